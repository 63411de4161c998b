import { mulberry32 } from '../../../shared/random';
import type { Batch } from '../engine';
import type { LiveSample, LiveSampleStore } from './liveSampleStore';
import { type AugmentOptions, augmentInto, jitterColours, sampleWindow } from '../dataset';

export interface LiveSamplerOptions extends AugmentOptions {
  /**
   * Share of each batch (at least one crop) drawn for Live's own reasons: crops centred on a fresh
   * correction, else on a class picked uniformly (rare scribbled classes are not drowned). The rest
   * are drawn as explicit training draws them, so Live learns like `train` when nobody paints.
   */
  liveShare?: number;
  /** For this long after its labels change, an image is drawn `recentBoost` times as often (live crops). */
  recentMs?: number;
  recentBoost?: number;
  now?: () => number;
}

/** Live crops in a batch by default: a quarter (measured on CamVid scribbles, see bench/acceptance/liveScribbles.ts). */
export const DEFAULT_LIVE_SHARE = 0.25;

/** A batch and the label versions it was drawn from (what "the model has trained on this stroke" means). */
export interface LiveBatch {
  batch: Batch;
  drawn: Array<{ imageId: number; version: number }>;
}

/**
 * Draws live training batches. Most crops are explicit training's (`augmentInto`): the labeled
 * train images in shuffled rounds, each a random scale, window and flip. A bounded share are
 * live crops: first one centred on each image just corrected (so the next step trains on the
 * correction), otherwise class-balanced — a class picked uniformly among those with labeled
 * pixels, an image holding it (recently corrected images weighted up), a window around one of its
 * pixels.
 */
export class LiveSampler {
  private readonly random: () => number;
  private readonly now: () => number;
  /** Images just updated: the next batches take one crop of each first, so a correction is trained on at once. */
  private readonly first = new Set<number>();
  /** Image ids left in the current shuffled pass over the train images (explicit training's epoch order). */
  private order: number[] = [];

  constructor(
    private readonly store: LiveSampleStore,
    private readonly options: LiveSamplerOptions,
  ) {
    this.random = mulberry32(options.seed * 7919 + 17);
    this.now = options.now ?? (() => performance.now());
  }

  /** Puts a crop of this image into the next batch (after its labels changed). */
  prioritise(imageId: number): void {
    this.first.add(imageId);
  }

  /** The next batch, or null while the train split has no labeled pixel. */
  next(): LiveBatch | null {
    const train = this.store.list('train').filter((s) => s.labeledPixels > 0);
    const classes = this.store
      .classPixels()
      .map((count, c) => (count > 0 ? c : -1))
      .filter((c) => c >= 0);
    if (train.length === 0 || classes.length === 0) return null;
    const { batch: n, crop } = this.options;
    const liveCrops = Math.max(1, Math.floor(n * (this.options.liveShare ?? DEFAULT_LIVE_SHARE)));
    const images = new Float32Array(n * crop * crop * 3);
    const masks = new Uint8Array(n * crop * crop);
    const drawn: LiveBatch['drawn'] = [];
    for (let k = 0; k < n; k++) {
      const image = images.subarray(k * crop * crop * 3, (k + 1) * crop * crop * 3);
      const mask = masks.subarray(k * crop * crop, (k + 1) * crop * crop);
      const sample = k < liveCrops ? this.liveCrop(train, classes, image, mask) : this.ordinaryCrop(train, image, mask);
      if (this.options.colorJitter) jitterColours(image, this.options.colorJitter, this.random);
      drawn.push({ imageId: sample.imageId, version: sample.version });
    }
    return { batch: { images, masks, n, height: crop, width: crop }, drawn };
  }

  /** A crop as explicit training draws it, from the next image of a shuffled pass over `train`. */
  private ordinaryCrop(train: LiveSample[], image: Float32Array, mask: Uint8Array): LiveSample {
    const byId = new Map(train.map((s) => [s.imageId, s]));
    let sample: LiveSample | undefined;
    while (!sample) {
      if (this.order.length === 0) this.order = shuffled(train.map((s) => s.imageId), this.random);
      sample = byId.get(this.order.pop()!);
    }
    augmentInto(sample, this.options, this.random, image, mask);
    return sample;
  }

  /** A crop around a fresh correction, else around a pixel of a uniformly picked class. */
  private liveCrop(train: LiveSample[], classes: number[], image: Float32Array, mask: Uint8Array): LiveSample {
    let sample = this.takeFirst(train);
    let pixels: Uint32Array;
    if (sample) {
      pixels = sample.changed;
    } else {
      const cls = classes[Math.floor(this.random() * classes.length)];
      sample = this.pickImage(train.filter((s) => s.pixelsByClass[cls].length > 0));
      pixels = sample.pixelsByClass[cls];
    }
    const centre = pixels[Math.floor(this.random() * pixels.length)];
    cropAround(sample, centre % sample.width, Math.floor(centre / sample.width), this.options.crop, this.random, image, mask);
    return sample;
  }

  private takeFirst(train: LiveSample[]): LiveSample | null {
    for (const id of this.first) {
      this.first.delete(id);
      const sample = train.find((s) => s.imageId === id);
      if (sample && sample.changed.length > 0) return sample;
    }
    return null;
  }

  private pickImage(candidates: LiveSample[]): LiveSample {
    const recentMs = this.options.recentMs ?? 30_000;
    const boost = this.options.recentBoost ?? 4;
    const now = this.now();
    const weights = candidates.map((s) => (now - s.updatedAt < recentMs ? boost : 1));
    let r = this.random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < candidates.length; i++) {
      r -= weights[i];
      if (r < 0) return candidates[i];
    }
    return candidates[candidates.length - 1];
  }
}

/**
 * A crop×crop window at a random scale (0.75–1.25) and flip holding pixel (cx, cy) somewhere in its
 * middle half: bilinear image, nearest labels, 255 and black outside the image.
 */
function cropAround(s: LiveSample, cx: number, cy: number, crop: number, random: () => number, image: Float32Array, mask: Uint8Array): void {
  const scale = 0.75 + random() * 0.5;
  const window = crop / scale;
  const x0 = cx - window * (0.25 + random() * 0.5);
  const y0 = cy - window * (0.25 + random() * 0.5);
  const flip = random() < 0.5;
  sampleWindow(s, x0, y0, window, flip, crop, image, mask);
}

function shuffled(ids: number[], random: () => number): number[] {
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids;
}
