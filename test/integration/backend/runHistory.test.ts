import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../electron/backend/backend';
import { evaluateRun } from '../../../electron/backend/training/predictionService';
import type { Channel, ReplyOf, RequestOf, RunSummary } from '../../../shared/contract/rendererContract';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import { useTrainingBackend } from '../../fixtures/trainingProject';

const env = useTrainingBackend({ count: 12, size: 32, train: 8 });

// Images are 32 px: the run trains and validates at full resolution.
// Validated after every epoch (the default waits 25 s between validations).
const SETTINGS = { backbone: 'small' as const, longSide: 32, crop: 32, batch: 4, backend: 'wasm' as const, learningRate: 3e-3, validateEverySeconds: 0 };

async function openBackend(): Promise<Backend> {
  const { Backend } = await import('../../../electron/backend/backend');
  const backend = new Backend({ mode: 'browser', version: 'test', ml: env.ml });
  backend.openProject(env.project.dir);
  return backend;
}

async function call<C extends Channel>(backend: Backend, channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
  const result = await backend.invoke(channel, request);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as ReplyOf<C>;
}

async function trainRun(backend: Backend, epochs: number): Promise<number> {
  const done = new Promise<{ runId: number | null; error: unknown }>((resolve) => backend.events.once('runs:done', resolve));
  await call(backend, 'runs:start', { ...SETTINGS, epochs });
  const { runId, error } = await done;
  expect(error).toBeNull();
  return runId!;
}

describe('run history through the backend contract', () => {
  it("lists a run's curves and best epoch, and shows exactly what eval computes for its best checkpoint", async () => {
    const backend = await openBackend();
    const runId = await trainRun(backend, 2);
    const run = (await call(backend, 'runs:list', {})).find((r) => r.id === runId)!;
    expect(run).toMatchObject({ trainImages: 8, valImages: 4, status: 'completed' });
    expect(run.finishedAt).not.toBeNull();
    expect(run.epochs.every((e) => e.valLoss !== null && e.imagesPerSecond > 0)).toBe(true);
    const best = run.bestEpoch!;
    expect(best.perClassIoU).toHaveLength(2);
    // The best checkpoint is the epoch with the highest val mean IU (the first such, on a tie).
    const bestIoU = Math.max(...run.epochs.map((e) => e.meanIoU!));
    expect(best.meanIoU).toBe(bestIoU);
    expect(best.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(4 * 32 * 32);

    expect(await call(backend, 'runs:evaluation', { runId, split: 'val' })).toBeNull();
    const changed: unknown[] = [];
    backend.events.on('runs:changed', (e) => changed.push(e));
    const shown = await call(backend, 'runs:evaluate', { runId, split: 'val' });
    // The event carries the run's new row (eval stored predictions), the one runs:list gives: lists patch it in place.
    expect(changed).toEqual([{ runId, reason: 'evaluated', run: (await call(backend, 'runs:list', {})).find((r) => r.id === runId) }]);
    expect(changed).toMatchObject([{ run: { predictions: 4 } }]);
    // What `fcn-studio eval --json` prints: the same function, run again from scratch.
    const cli = await evaluateRun(env.project, env.ml, String(runId), 'val');
    const { runId: _r, split: _s, initialWeights: _w, predictedWith: _p, ...numbers } = cli;
    expect(shown).toMatchObject({ ...numbers, checkpointEpoch: best.epoch, stale: false });
    expect(await call(backend, 'runs:evaluation', { runId, split: 'val' })).toEqual(shown);

    // Eval stored the 4 val predictions: the run lists them, and the Export dialog's source writes them.
    expect((await call(backend, 'runs:list', {})).find((r) => r.id === runId)!.predictions).toBe(4);
    const out = join(env.root, `predictions-${runId}`);
    const exported = new Promise<{ report: { written: number } | null; error: unknown }>((resolve) => backend.events.once('export:done', resolve));
    await call(backend, 'export:start', { format: 'png-gray', outDir: out, predictionsOf: runId });
    const { report, error } = await exported;
    expect(error).toBeNull();
    expect(report!.written).toBe(4);
    for (const image of env.project.images.all().filter((i) => i.split === 'val')) {
      const written = decodeMaskPng(readFileSync(join(out, `${image.stem}.png`))).values;
      expect(Buffer.from(written).equals(Buffer.from(decodeMaskPng(env.project.runs.prediction(runId, image.id)!.mask).values))).toBe(true);
    }

    // A val label saved afterwards makes the stored numbers stale, never silently wrong.
    const valImage = env.project.images.all().find((i) => i.split === 'val')!;
    const mask = await call(backend, 'labels:get', { imageId: valImage.id });
    await call(backend, 'labels:save', { imageId: valImage.id, baseVersion: mask.version, png: new Uint8Array(mask.png!) });
    expect(await call(backend, 'runs:evaluation', { runId, split: 'val' })).toMatchObject({ meanIoU: shown.meanIoU, stale: true });
    backend.closeProject();
  });

  it('deletes a run with its checkpoints after saying what it removes, and refuses a run that is training', async () => {
    const backend = await openBackend();
    const runId = await trainRun(backend, 1);
    await call(backend, 'runs:evaluate', { runId, split: 'val' });
    const dir = join(env.project.dir, 'checkpoints', `run-${runId}`);
    expect(existsSync(dir)).toBe(true);

    const impact = await call(backend, 'runs:deleteImpact', { runId });
    expect(impact).toMatchObject({ runId, epochs: 1, predictions: 4 });
    expect(impact.checkpointBytes).toBeGreaterThan(100_000); // best/ and last/ of a 1.2 M-parameter net, with Adam's state
    const changed: unknown[] = [];
    backend.events.on('runs:changed', (e) => changed.push(e));
    expect(await call(backend, 'runs:delete', { runId })).toEqual(impact);
    expect(changed).toEqual([{ runId, reason: 'deleted', run: null }]);
    expect(existsSync(dir)).toBe(false);
    expect((await call(backend, 'runs:list', {})).map((r: RunSummary) => r.id)).not.toContain(runId);
    expect(env.project.runs.evaluation(runId, 'val')).toBeNull();
    expect(env.project.runs.predictionCount(runId)).toBe(0);
    await expect(call(backend, 'runs:deleteImpact', { runId })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // A run being trained is refused, and keeps training.
    const done = new Promise<{ runId: number | null; stoppedBy: string | null }>((resolve) => backend.events.once('runs:done', resolve));
    const refused = new Promise<unknown>((resolve) => {
      backend.events.once('runs:progress', ({ runId: training }) => {
        void call(backend, 'runs:delete', { runId: training! }).then(resolve, resolve);
      });
    });
    const { jobId } = await call(backend, 'runs:start', { ...SETTINGS, epochs: 30 });
    expect(await refused).toMatchObject({ code: 'CONFLICT' });
    await call(backend, 'runs:cancel', { jobId });
    const ended = await done;
    expect(ended.stoppedBy).toBe('cancel');
    expect((await call(backend, 'runs:list', {})).find((r) => r.id === ended.runId)).toMatchObject({ status: 'cancelled' });
    backend.closeProject();
  });
});
