import { UNLABELED } from '../domain/classes';

/** How a prediction compares with an image's own labels, over its labeled pixels only. */
export interface LabelAgreement {
  /** Mean IoU over the classes present in the label or the prediction (on labeled pixels). */
  iou: number;
  /** Labeled pixels where prediction = label, as a fraction of labeled pixels. */
  agreement: number;
}

/**
 * Compares a predicted mask with a label mask (both project class values, 255 = unlabeled in the
 * label). Null when the label has no labeled pixel: there is nothing to agree with.
 */
export function labelAgreement(predicted: Uint8Array, label: Uint8Array): LabelAgreement | null {
  if (predicted.length !== label.length) throw new Error(`prediction has ${predicted.length} pixels, label ${label.length}`);
  const intersection = new Float64Array(256);
  const labelCount = new Float64Array(256);
  const predictedCount = new Float64Array(256);
  let labeled = 0;
  let same = 0;
  for (let i = 0; i < label.length; i++) {
    const l = label[i];
    if (l === UNLABELED) continue;
    const p = predicted[i];
    labeled++;
    labelCount[l]++;
    predictedCount[p]++;
    if (p === l) {
      same++;
      intersection[l]++;
    }
  }
  if (labeled === 0) return null;
  let sum = 0;
  let classes = 0;
  for (let v = 0; v < 256; v++) {
    const union = labelCount[v] + predictedCount[v] - intersection[v];
    if (union === 0) continue;
    sum += intersection[v] / union;
    classes++;
  }
  return { iou: sum / classes, agreement: same / labeled };
}
