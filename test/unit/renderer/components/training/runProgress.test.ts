import { describe, expect, it } from 'vitest';
import { wholeRunProgress } from '../../../../../renderer/components/training/runProgress';

const progress = (epoch: number, step: number, etaSeconds: number | null, stepsPerEpoch: number | null = 10) => ({
  epoch,
  step,
  stepsPerEpoch,
  loss: 0.5,
  imagesPerSecond: 4,
  etaSeconds,
  memoryBytes: 1e8,
});

describe('whole-run progress', () => {
  it('is the share of all planned epochs, not of the current epoch', () => {
    // Epoch 3 of 10, half done: 25 % of the run, though the epoch is 50 % done.
    const view = wholeRunProgress(progress(3, 5, 10), { epochs: 10, maxMinutes: null }, [20, 20], null);
    expect(view.fraction).toBeCloseTo(0.25, 10);
    // 10 s left in this epoch + 7 more epochs of 20 s.
    expect(view.etaSeconds).toBeCloseTo(150, 10);
  });

  it('estimates epochs from the current pace before any epoch finished', () => {
    // 4 of 10 steps done, 12 s left: 2 s a step, 20 s an epoch; 4 more epochs after this one.
    const view = wholeRunProgress(progress(1, 4, 12), { epochs: 5, maxMinutes: null }, [], null);
    expect(view.etaSeconds).toBeCloseTo(12 + 4 * 20, 10);
  });

  it('ends at the time budget when it comes before the last epoch', () => {
    const view = wholeRunProgress(progress(2, 5, 10), { epochs: 50, maxMinutes: 2 }, [20], 90);
    expect(view.etaSeconds).toBe(30);
    expect(view.fraction).toBeCloseTo(90 / 120, 10);
  });

  it('follows the minutes alone when no epoch count was asked for', () => {
    expect(wholeRunProgress(progress(7, 5, 10), { epochs: null, maxMinutes: 10 }, [20], 300)).toEqual({ fraction: 0.5, etaSeconds: 300 });
    // A followed run (started before this window saw it) has no known start: unknown, not guessed.
    expect(wholeRunProgress(progress(7, 5, 10), { epochs: null, maxMinutes: 10 }, [20], null)).toEqual({ fraction: null, etaSeconds: null });
  });

  it("takes the engine's own whole-run figures where it sends them", () => {
    expect(wholeRunProgress({ ...progress(3, 5, 10), runFraction: 0.4, runEtaSeconds: 77 }, { epochs: 10, maxMinutes: null }, [20, 20], null)).toEqual({
      fraction: 0.4,
      etaSeconds: 77,
    });
  });
});
