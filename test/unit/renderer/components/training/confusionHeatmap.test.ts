import { describe, expect, it } from 'vitest';
import { rowNormalised } from '../../../../../renderer/components/training/ConfusionHeatmap';

describe('confusion heat-map', () => {
  it('shows each true class as shares of its own pixels, so a rare class reads like a common one', () => {
    expect(rowNormalised([[990, 10], [3, 1]])).toEqual([[0.99, 0.01], [0.75, 0.25]]);
  });

  it('leaves a class with no pixels at 0 rather than dividing by zero', () => {
    expect(rowNormalised([[0, 0], [2, 2]])).toEqual([[0, 0], [0.5, 0.5]]);
  });
});
