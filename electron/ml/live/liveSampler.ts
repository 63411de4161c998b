import { mulberry32 } from '../../../shared/random';
import type { Batch } from '../engine';
import type { LiveSample, LiveSampleStore } from './liveSampleStore';
import { type AugmentOptions, augmentInto, jitterColours, sampleWindow } from '../dataset';

export interface LiveSamplerOptions extends AugmentOptions {
  /**
   * Share of each batch (at least one crop) drawn for Live's own reasons: a crop centred on each
   * fresh correction, else a crop of an image labeled in the last `recentMs`. The rest, and these
   * too when nothing was labeled lately, are drawn as explicit training draws them, so Live learns
   * like `train` when nobody paints.
   */
  liveShare?: number;
  /** How long after its labels change an image counts as just labeled. */
  recentMs?: number;
  now?: () => number;
}

/**
 * A quarter of each batch. Class-balanced crops (a class picked uniformly, the crop centred on one
 * of its pixels) in that share were measured and dropped: on the CamVid scribble set they lowered
 * held-out mean IU (0.08 against 0.12 on 30 of the 0006R0 frames after 5.5 minutes, same seed,
 * lower at 4 of the 5 validations after the first minute). Loss weights for scribbles
 * (√(median / class frequency), at most 4) were measured and dropped too: 0.174 against 0.194
 * (1 + 3 minutes), common classes lost more than the rare ones gained (README, Live training).
 */
export const DEFAULT_LIVE_SHARE = 0.25;
const DEFAULT_RECENT_MS = 30_000;

/** A batch and the label versions it was drawn from (what "the model has trained on this stroke" means). */
export interface LiveBatch {
  batch: Batch;
  drawn: Array<{ imageId: number; version: number }>;
}

/**
 * Draws live training batches. Most crops are explicit training's (`augmentInto`): the labeled
 * train images in shuffled passes, each a random scale, window and flip. A bounded share are live
 * crops: first one centred on what each fresh correction changed (so the next step trains on it),
 * then crops of images labeled in the last half minute (the model reacts to what the user is
 * labeling), else ordinary ones.
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
    if (train.length === 0) return null;
    const { batch: n, crop } = this.options;
    const liveCrops = Math.max(1, Math.floor(n * (this.options.liveShare ?? DEFAULT_LIVE_SHARE)));
    const recentMs = this.options.recentMs ?? DEFAULT_RECENT_MS;
    const recent = train.filter((s) => this.now() - s.updatedAt < recentMs);
    const images = new Float32Array(n * crop * crop * 3);
    const masks = new Uint8Array(n * crop * crop);
    const drawn: LiveBatch['drawn'] = [];
    for (let k = 0; k < n; k++) {
      const image = images.subarray(k * crop * crop * 3, (k + 1) * crop * crop * 3);
      const mask = masks.subarray(k * crop * crop, (k + 1) * crop * crop);
      let sample = k < liveCrops ? this.takeFirst(train) : null;
      if (sample) {
        // Centred on what the correction changed.
        const centre = sample.changed[Math.floor(this.random() * sample.changed.length)];
        cropAround(sample, centre % sample.width, Math.floor(centre / sample.width), crop, this.random, image, mask);
      } else {
        sample = k < liveCrops && recent.length ? recent[Math.floor(this.random() * recent.length)] : this.nextInPass(train);
        augmentInto(sample, this.options, this.random, image, mask);
      }
      if (this.options.colorJitter) jitterColours(image, this.options.colorJitter, this.random);
      drawn.push({ imageId: sample.imageId, version: sample.version });
    }
    return { batch: { images, masks, n, height: crop, width: crop }, drawn };
  }

  /** The next image of a shuffled pass over `train`, as explicit training's epochs go through them. */
  private nextInPass(train: LiveSample[]): LiveSample {
    const byId = new Map(train.map((s) => [s.imageId, s]));
    let sample: LiveSample | undefined;
    while (!sample) {
      if (this.order.length === 0) this.order = shuffled(train.map((s) => s.imageId), this.random);
      sample = byId.get(this.order.pop()!);
    }
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
