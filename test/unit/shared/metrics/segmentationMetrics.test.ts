import { describe, expect, it } from 'vitest';

import {
  IGNORE_LABEL,
  accumulateConfusion,
  confusionRows,
  createConfusionMatrix,
  mergeConfusion,
  segmentationMetrics,
} from '../../../../shared/metrics';

describe('confusion matrix', () => {
  it('counts truth rows against predicted columns and skips 255', () => {
    const m = createConfusionMatrix(3);
    accumulateConfusion(m, [0, 0, 1, 2, IGNORE_LABEL, 1], [0, 1, 1, 2, 0, 0]);
    expect(confusionRows(m)).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('skips labels outside the class range and rejects mismatched sizes', () => {
    const m = createConfusionMatrix(2);
    accumulateConfusion(m, [0, 5, 1], [0, 0, 7]);
    expect(confusionRows(m)).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(() => accumulateConfusion(m, [0], [0, 1])).toThrow();
  });

  it('merges matrices by adding counts', () => {
    const a = accumulateConfusion(createConfusionMatrix(2), [0, 1], [0, 0]);
    const b = accumulateConfusion(createConfusionMatrix(2), [1, 1], [1, 0]);
    expect(confusionRows(mergeConfusion(a, b))).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });
});

describe('segmentation metrics (FCN paper definitions)', () => {
  // n_ij: truth i predicted j.
  //        pred0 pred1 pred2 pred3
  // true0    50    10     0     0
  // true1     5    30     5     0
  // true2     0     0     0     0     (class 2 absent from truth, predicted 5 times)
  // true3     0     0     0     0     (class 3 absent from both: skipped)
  const m = createConfusionMatrix(4);
  m.counts.set([50, 10, 0, 0, 5, 30, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const r = segmentationMetrics(m);

  it('pixel accuracy = Σ n_ii / Σ t_i', () => {
    expect(r.pixelAccuracy).toBeCloseTo(80 / 100, 12);
  });

  it('mean accuracy averages recall over classes present in the truth', () => {
    expect(r.meanAccuracy).toBeCloseTo((50 / 60 + 30 / 40) / 2, 12);
    expect(r.perClassAccuracy[2]).toBeNull();
  });

  it('mean IU skips only classes absent from both truth and prediction', () => {
    const iu0 = 50 / (60 + 55 - 50);
    const iu1 = 30 / (40 + 40 - 30);
    const iu2 = 0 / (0 + 5 - 0);
    expect(r.perClassIoU[0]).toBeCloseTo(iu0, 12);
    expect(r.perClassIoU[1]).toBeCloseTo(iu1, 12);
    expect(r.perClassIoU[2]).toBe(0);
    expect(r.perClassIoU[3]).toBeNull();
    expect(r.meanIoU).toBeCloseTo((iu0 + iu1 + iu2) / 3, 12);
  });

  it('frequency-weighted IU weights each IU by its class frequency', () => {
    const iu0 = 50 / 65;
    const iu1 = 30 / 50;
    expect(r.fwIoU).toBeCloseTo((60 * iu0 + 40 * iu1) / 100, 12);
  });

  it('a perfect prediction scores 1 everywhere', () => {
    const p = accumulateConfusion(createConfusionMatrix(3), [0, 1, 2, 2], [0, 1, 2, 2]);
    const s = segmentationMetrics(p);
    expect([s.pixelAccuracy, s.meanAccuracy, s.meanIoU, s.fwIoU]).toEqual([1, 1, 1, 1]);
  });

  it('an empty matrix gives NaN, not a division error', () => {
    const s = segmentationMetrics(createConfusionMatrix(2));
    expect(Number.isNaN(s.meanIoU)).toBe(true);
    expect(s.pixels).toBe(0);
  });
});
