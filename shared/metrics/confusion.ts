/** Label value that marks unlabeled pixels: ignored by the loss and by every metric. */
export const IGNORE_LABEL = 255;

/**
 * A confusion matrix over `numClasses` classes: counts[truth * numClasses + predicted].
 * Float64 counts stay exact far beyond 2^32 pixels.
 */
export interface ConfusionMatrix {
  numClasses: number;
  counts: Float64Array;
}

export function createConfusionMatrix(numClasses: number): ConfusionMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  return { numClasses, counts: new Float64Array(numClasses * numClasses) };
}

/**
 * Adds one mask pair. Pixels whose truth is IGNORE_LABEL are skipped; so are truths or
 * predictions outside 0..numClasses-1 (a void label such as CamVid's 11 must be mapped to 255 first).
 */
export function accumulateConfusion(
  matrix: ConfusionMatrix,
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ConfusionMatrix {
  if (truth.length !== predicted.length) {
    throw new Error(`truth has ${truth.length} pixels, prediction ${predicted.length}`);
  }
  const k = matrix.numClasses;
  const counts = matrix.counts;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (t === IGNORE_LABEL || t < 0 || t >= k || p < 0 || p >= k) continue;
    counts[t * k + p] += 1;
  }
  return matrix;
}

/** Sum of two matrices of the same size (e.g. per-image matrices into a split's). */
export function mergeConfusion(a: ConfusionMatrix, b: ConfusionMatrix): ConfusionMatrix {
  if (a.numClasses !== b.numClasses) throw new Error('confusion matrices of different sizes');
  const out = createConfusionMatrix(a.numClasses);
  for (let i = 0; i < out.counts.length; i++) out.counts[i] = a.counts[i] + b.counts[i];
  return out;
}

/** Rows (truth) as plain arrays, for JSON. */
export function confusionRows(matrix: ConfusionMatrix): number[][] {
  const k = matrix.numClasses;
  return Array.from({ length: k }, (_, t) => Array.from(matrix.counts.subarray(t * k, (t + 1) * k)));
}
