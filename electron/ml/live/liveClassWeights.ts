import * as tf from '@tensorflow/tfjs-core';
import type { LiveSampleStore } from './liveSampleStore';

/** Largest loss weight a rare class gets, relative to a class of median frequency. */
export const MAX_CLASS_WEIGHT = 4;

/**
 * Loss weights for scribbles: w_c = sqrt(median frequency / frequency of c) over the labeled
 * pixels of the train split, at most MAX_CLASS_WEIGHT (a class with a few dozen pixels must not
 * dominate the loss); classes nobody labeled get 0. Milder than median-frequency balancing (no
 * square root), which over-weights the handful of pixels a user scribbled on a rare class.
 */
export function scribbleClassWeights(pixelCounts: ArrayLike<number>): Float32Array {
  const counts = Array.from(pixelCounts);
  const present = counts.filter((c) => c > 0).sort((a, b) => a - b);
  const out = new Float32Array(counts.length);
  if (present.length === 0) return out;
  const mid = present.length >> 1;
  const median = present.length % 2 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
  counts.forEach((c, i) => {
    out[i] = c > 0 ? Math.min(MAX_CLASS_WEIGHT, Math.sqrt(median / c)) : 0;
  });
  return out;
}

/** The loss weights tensor for the store's labels now, rebuilt only when the labels changed. */
export class LiveLossWeights {
  private tensor: tf.Tensor1D | null = null;
  private generation = -1;

  constructor(private readonly store: LiveSampleStore) {}

  current(): tf.Tensor1D {
    if (this.tensor === null || this.generation !== this.store.generation) {
      this.tensor?.dispose();
      this.tensor = tf.tensor1d(scribbleClassWeights(this.store.classPixels()));
      this.generation = this.store.generation;
    }
    return this.tensor;
  }

  dispose(): void {
    this.tensor?.dispose();
    this.tensor = null;
  }
}
