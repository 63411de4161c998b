import type { ConfusionMatrix } from './confusion';

/**
 * The FCN paper's four metrics (Long, Shelhamer & Darrell, §5), with n_ij the pixels of class i
 * predicted as j and t_i = Σ_j n_ij:
 *   pixel accuracy   Σ_i n_ii / Σ_i t_i
 *   mean accuracy    (1/n_cl) Σ_i n_ii / t_i
 *   mean IU          (1/n_cl) Σ_i n_ii / (t_i + Σ_j n_ji − n_ii)
 *   frequency-weighted IU   (Σ_k t_k)^-1 Σ_i t_i n_ii / (t_i + Σ_j n_ji − n_ii)
 * A class with a zero denominator contributes NaN and is left out of the mean, as the reference
 * scorer's nanmean does: classes absent from both truth and prediction are skipped.
 */
export interface SegmentationMetrics {
  pixelAccuracy: number;
  meanAccuracy: number;
  meanIoU: number;
  fwIoU: number;
  /** IoU per class; null where the class is absent from both truth and prediction. */
  perClassIoU: (number | null)[];
  /** Recall per class; null where the class is absent from the truth. */
  perClassAccuracy: (number | null)[];
  /** Labeled pixels counted. */
  pixels: number;
}

function nanMean(values: number[]): number {
  const finite = values.filter((v) => !Number.isNaN(v));
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

export function segmentationMetrics(matrix: ConfusionMatrix): SegmentationMetrics {
  const k = matrix.numClasses;
  const n = matrix.counts;
  const truthTotals = new Array<number>(k).fill(0);
  const predTotals = new Array<number>(k).fill(0);
  let diagonal = 0;
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = n[i * k + j];
      truthTotals[i] += v;
      predTotals[j] += v;
      total += v;
    }
    diagonal += n[i * k + i];
  }
  const iou: number[] = [];
  const acc: number[] = [];
  let fw = 0;
  for (let i = 0; i < k; i++) {
    const nii = n[i * k + i];
    const union = truthTotals[i] + predTotals[i] - nii;
    iou.push(union > 0 ? nii / union : Number.NaN);
    acc.push(truthTotals[i] > 0 ? nii / truthTotals[i] : Number.NaN);
    if (union > 0) fw += (truthTotals[i] * nii) / union;
  }
  return {
    pixelAccuracy: total > 0 ? diagonal / total : Number.NaN,
    meanAccuracy: nanMean(acc),
    meanIoU: nanMean(iou),
    fwIoU: total > 0 ? fw / total : Number.NaN,
    perClassIoU: iou.map((v) => (Number.isNaN(v) ? null : v)),
    perClassAccuracy: acc.map((v) => (Number.isNaN(v) ? null : v)),
    pixels: total,
  };
}
