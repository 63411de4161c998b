import { mulberry32 } from '../../../shared/random';
import type { Batch } from '../engine';
import type { LiveSample, LiveSampleStore } from './liveSampleStore';
import { sampleWindow } from '../dataset';

export interface LiveSamplerOptions {
  batch: number;
  crop: number;
  seed: number;
  /** For this long after its labels change, an image is drawn `recentBoost` times as often. */
  recentMs?: number;
  recentBoost?: number;
  now?: () => number;
}

/** A batch and the label versions it was drawn from (what "the model has trained on this stroke" means). */
export interface LiveBatch {
  batch: Batch;
  drawn: Array<{ imageId: number; version: number }>;
}

/**
 * Draws live training crops class-balanced: each crop first picks a class uniformly among those
 * with labeled pixels, then an image holding it (recently corrected images weighted up), then one
 * of that class's pixels inside the crop. A few scribbled pixels of a rare class are then seen as
 * often as the sky that fills every frame, and a fresh correction shows in the next batches.
 */
export class LiveSampler {
  private readonly random: () => number;
  private readonly now: () => number;
  /** Images just updated: the next batches take one crop of each first, so a correction is trained on at once. */
  private readonly first = new Set<number>();

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
    const images = new Float32Array(n * crop * crop * 3);
    const masks = new Uint8Array(n * crop * crop);
    const drawn: LiveBatch['drawn'] = [];
    for (let k = 0; k < n; k++) {
      let sample: LiveSample;
      let pixels: Uint32Array;
      const urgent = this.takeFirst(train);
      if (urgent) {
        // Centred on what the correction changed.
        sample = urgent;
        pixels = urgent.changed;
      } else {
        const cls = classes[Math.floor(this.random() * classes.length)];
        sample = this.pickImage(train.filter((s) => s.pixelsByClass[cls].length > 0));
        pixels = sample.pixelsByClass[cls];
      }
      const centre = pixels[Math.floor(this.random() * pixels.length)];
      cropAround(sample, centre % sample.width, Math.floor(centre / sample.width), crop, this.random, images.subarray(k * crop * crop * 3, (k + 1) * crop * crop * 3), masks.subarray(k * crop * crop, (k + 1) * crop * crop));
      drawn.push({ imageId: sample.imageId, version: sample.version });
    }
    return { batch: { images, masks, n, height: crop, width: crop }, drawn };
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
