import { describe, expect, it } from 'vitest';
import { orderByPrediction } from '../../../../shared/review/predictionOrder';
import type { PredictionSummary } from '../../../../shared/review/predictions';

const summary = (imageId: number, meanEntropy: number, meanMargin: number | null, iou: number | null): PredictionSummary => ({
  runId: 1,
  imageId,
  meanEntropy,
  meanMargin,
  iou,
  agreement: iou,
  createdAt: '',
});
const items = [1, 2, 3, 4].map((id) => ({ id }));
const predictions = new Map([summary(1, 0.1, 0.9, 0.8), summary(2, 0.5, 0.2, null), summary(3, 0.3, null, 0.4)].map((s) => [s.imageId, s]));

describe('orderByPrediction', () => {
  it('puts the most uncertain, the smallest margin or the lowest IoU first; images without the score keep their order after', () => {
    expect(orderByPrediction(items, predictions, 'uncertain', 'any').map((i) => i.id)).toEqual([2, 3, 1, 4]);
    expect(orderByPrediction(items, predictions, 'margin', 'any').map((i) => i.id)).toEqual([2, 1, 3, 4]);
    expect(orderByPrediction(items, predictions, 'disagreement', 'any').map((i) => i.id)).toEqual([3, 1, 2, 4]);
    expect(orderByPrediction(items, predictions, 'none', 'any').map((i) => i.id)).toEqual([1, 2, 3, 4]);
  });

  it('filters by whether an image has a prediction', () => {
    expect(orderByPrediction(items, predictions, 'none', 'unpredicted').map((i) => i.id)).toEqual([4]);
    expect(orderByPrediction(items, predictions, 'uncertain', 'predicted').map((i) => i.id)).toEqual([2, 3, 1]);
  });
});
