import { describe, expect, it } from 'vitest';
import { train, type TrainEvent } from '../../../electron/backend/training/trainingService';
import { mlReady, useTrainingBackend } from '../../fixtures/trainingProject';

const env = useTrainingBackend({ count: 10, size: 48, train: 8 });

/** Steps of seconds (about 10 on a shared laptop core): 48-px images, batch 4, on the pure-JS backend. */
const SLOW = { backbone: 'small' as const, longSide: 48, crop: 48, batch: 4, backend: 'cpu' as const, epochs: 5 };
/** Steps of milliseconds. */
const FAST = { backbone: 'small' as const, longSide: 32, crop: 32, batch: 4, backend: 'wasm' as const };

const ready = () => mlReady(env.ml);

/** Trains until the first step has been reported, then cancels; resolves with the outcome and the seconds the cancel took. */
async function cancelAfterFirstStep(settings: object) {
  const controller = new AbortController();
  let cancelledAt = 0;
  const outcome = await train(
    env.project,
    env.ml,
    settings,
    (event: TrainEvent) => {
      if (event.type === 'progress' && !cancelledAt) {
        cancelledAt = performance.now();
        controller.abort();
      }
    },
    controller.signal,
  );
  return { outcome, seconds: (performance.now() - cancelledAt) / 1000 };
}

describe('cancelling a run', () => {
  it('cancels within about a second while a step is still computing, by restarting the ML process; the next run trains', async () => {
    const before = await ready();
    const { outcome, seconds } = await cancelAfterFirstStep(SLOW);
    expect(outcome).toMatchObject({ cancelled: true, stoppedBy: 'cancel', epochs: 0 });
    expect(seconds).toBeLessThan(2);
    expect(env.project.runs.byId(outcome.runId)).toMatchObject({ status: 'cancelled', error: null });
    // The step in flight could not have answered the cancel: the process was replaced, and no crash was counted.
    const after = await ready();
    expect(after.pid).not.toBe(before.pid);
    expect(after.restarts).toBe(before.restarts);

    const next = await train(env.project, env.ml, { ...FAST, epochs: 1 });
    expect(next).toMatchObject({ epochs: 1, stoppedBy: 'epochs' });
    expect(env.project.runs.byId(next.runId)!.status).toBe('completed');
  });

  it('stops between fast steps without restarting the ML process', async () => {
    const before = await ready();
    // Batch 1: eight steps an epoch, so the cancel lands between steps, not at an epoch's end.
    const { outcome, seconds } = await cancelAfterFirstStep({ ...FAST, batch: 1, epochs: 500 });
    expect(outcome).toMatchObject({ cancelled: true, stoppedBy: 'cancel' });
    expect(seconds).toBeLessThan(1);
    expect(outcome.epochs).toBe(0);
    expect(env.project.runs.byId(outcome.runId)!.status).toBe('cancelled');
    expect(env.ml.status()).toMatchObject({ state: 'ready', pid: before.pid });
    expect((await env.ml.request('ping', {})).pid).toBe(before.pid);
  });

  it('writes last/ on a cancel between validations, so the epochs trained since are kept for a resume', async () => {
    await ready();
    const controller = new AbortController();
    // The default validates every 25 s at most: these millisecond epochs are not validated before the cancel.
    const outcome = await train(
      env.project,
      env.ml,
      { ...FAST, epochs: 500 },
      (event) => {
        if (event.type === 'progress' && event.epoch === 3) controller.abort();
      },
      controller.signal,
    );
    // The cancel lands in epoch 3 or, when that epoch's last step was already under way, just after it.
    expect(outcome).toMatchObject({ cancelled: true, stoppedBy: 'cancel' });
    expect(outcome.epochs).toBeGreaterThanOrEqual(2);
    const epochs = env.project.runs.epochs(outcome.runId);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: outcome.epochs }, (_, i) => i + 1));
    expect(epochs.every((e) => e.meanIoU === null)).toBe(true);
    expect(env.project.runs.checkpoints(outcome.runId)).toMatchObject([{ kind: 'last', epoch: outcome.epochs }]);
  });
});
