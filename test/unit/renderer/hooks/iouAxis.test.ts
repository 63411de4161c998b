import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { iouRange, iouTicks } from '../../../../renderer/hooks/useTrainingPlot';

const range = (max: number | null) => iouRange({} as uPlot, 0, max as number, 'iou');
const plotWithAxisTo = (max: number) => ({ scales: { iou: { max } } }) as unknown as uPlot;

describe('mean IU axis', () => {
  it('ends just above the best value, in tenths, so early runs a few points apart are told apart', () => {
    expect(range(0.146)).toEqual([0, 0.2]);
    expect(range(0.32)).toEqual([0, 0.4]);
    expect(range(0.95)).toEqual([0, 1]);
  });

  it('keeps at least 0.1 for an untrained run and never passes 1', () => {
    expect(range(0)).toEqual([0, 0.1]);
    expect(range(null)).toEqual([0, 0.1]);
    expect(range(1)).toEqual([0, 1]);
  });

  it('labels a short axis with two decimals so ticks do not repeat', () => {
    expect(iouTicks(plotWithAxisTo(0.2), [0, 0.05, 0.1, 0.15, 0.2])).toEqual(['0.00', '0.05', '0.10', '0.15', '0.20']);
    expect(iouTicks(plotWithAxisTo(1), [0, 0.5, 1])).toEqual(['0.0', '0.5', '1.0']);
  });
});
