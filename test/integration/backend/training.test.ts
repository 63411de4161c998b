import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MlStatus, RunSummary } from '../../../shared/contract/rendererContract';
import { accumulateConfusion, createConfusionMatrix, segmentationMetrics } from '../../../shared/metrics';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import { EXPORT_MARKER, exportMasks } from '../../../electron/backend/interop/exportService';
import { exportRunModel } from '../../../electron/backend/interop/modelExportService';
import { evaluateRun } from '../../../electron/backend/training/predictionService';
import { train } from '../../../electron/backend/training/trainingService';
import { writePredictions } from '../../../electron/host/predictCommand';
import { useTrainingBackend } from '../../fixtures/trainingProject';

const env = useTrainingBackend({ count: 16, size: 32, train: 12 });

// Every epoch validated and checkpointed (the default waits 25 s between validations).
const SETTINGS = { backbone: 'small' as const, longSide: 32, crop: 32, batch: 4, backend: 'wasm' as const, learningRate: 3e-3, validateEverySeconds: 0 };

function waitForReady(previousPid: number | null): Promise<MlStatus> {
  return new Promise((resolve) => {
    const check = (s: MlStatus) => {
      if (s.state === 'ready' && s.pid !== previousPid) {
        env.ml.off('status', check);
        resolve(s);
      }
    };
    env.ml.on('status', check);
    check(env.ml.status());
  });
}

describe('training through the ML process', () => {
  it('trains, stores every epoch and checkpoint, and eval agrees with the predicted masks', async () => {
    await waitForReady(null);
    const outcome = await train(env.project, env.ml, { ...SETTINGS, epochs: 3 });
    expect(outcome).toMatchObject({ epochs: 3, stoppedBy: 'epochs', cancelled: false });
    const epochs = env.project.runs.epochs(outcome.runId);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs.every((e) => e.meanIoU !== null && e.confusion !== null)).toBe(true);
    expect(env.project.runs.byId(outcome.runId)).toMatchObject({ status: 'completed', backend: 'wasm' });
    expect(env.project.runs.checkpoints(outcome.runId).map((c) => c.kind).sort()).toEqual(['best', 'last']);

    const report = await evaluateRun(env.project, env.ml, String(outcome.runId), 'val');
    expect(report.images).toBe(4);
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(4 * 32 * 32);

    // Independent check: write the predicted masks, score them against the label files directly.
    const out = join(env.root, 'pred');
    const val = env.project.images.all().filter((i) => i.split === 'val');
    await writePredictions(env.project, env.ml, String(outcome.runId), val.map((i) => ({ imageId: i.id, path: i.path, stem: i.stem })), out);
    expect(readdirSync(out).sort()).toEqual(val.map((i) => `${i.stem}.png`).sort());
    const confusion = createConfusionMatrix(2);
    for (const image of val) {
      const truth = decodeMaskPng(readFileSync(join(env.root, 'data', 'labels', `${image.stem}.png`))).values;
      accumulateConfusion(confusion, truth, decodeMaskPng(readFileSync(join(out, `${image.stem}.png`))).values);
    }
    const independent = segmentationMetrics(confusion);
    expect(report.meanIoU).toBeCloseTo(independent.meanIoU, 10);
    expect(report.pixelAccuracy).toBeCloseTo(independent.pixelAccuracy, 10);
    expect(env.project.runs.prediction(outcome.runId, val[0].id)).toBeDefined();

    // The stored predictions export like labels do.
    const exported = join(env.root, 'pred-export');
    const report2 = await exportMasks(env.project, { format: 'png-gray', outDir: exported, predictionsOf: outcome.runId });
    expect(report2.written).toBe(4);
    for (const image of val) {
      const decoded = (dir: string) => Buffer.from(decodeMaskPng(readFileSync(join(dir, `${image.stem}.png`))).values);
      expect(decoded(exported).equals(decoded(out))).toBe(true);
    }
    await expect(exportMasks(env.project, { format: 'png-gray', outDir: join(env.root, 'none'), predictionsOf: outcome.runId, split: 'train' })).rejects.toThrow(/no stored predictions/);

    // The run's model exports through the ML process, and never over a folder that is not ours.
    const modelDir = join(env.root, 'model');
    const model = await exportRunModel(env.project, env.ml, 'latest', modelDir, false);
    expect(model.runId).toBe(outcome.runId);
    expect(readdirSync(join(modelDir, 'onnx')).sort()).toEqual(['README.md', 'classes.json', 'model.onnx']);
    expect(readdirSync(join(modelDir, 'tfjs'))).toContain('model.json');
    await expect(exportRunModel(env.project, env.ml, 'latest', modelDir, false)).rejects.toThrow(/not empty/);
    writeFileSync(join(modelDir, 'notes.txt'), 'mine');
    expect((await exportRunModel(env.project, env.ml, 'latest', modelDir, true)).epoch).toBe(model.epoch);
    expect(readFileSync(join(modelDir, 'notes.txt'), 'utf8')).toBe('mine'); // --force replaced only what the export wrote
    expect(JSON.parse(readFileSync(join(modelDir, EXPORT_MARKER), 'utf8')).files).toEqual(expect.arrayContaining(['onnx/model.onnx', 'tfjs/model.json']));
  });

  it('given minutes and no epochs, trains until the minutes are spent and validates once, at the end', async () => {
    await waitForReady(null);
    // 6 s: far less than the 25 s between validations, so only the end is validated.
    const outcome = await train(env.project, env.ml, { ...SETTINGS, validateEverySeconds: undefined, maxMinutes: 0.1 });
    expect(outcome).toMatchObject({ stoppedBy: 'time', cancelled: false, settings: { epochs: null, maxMinutes: 0.1, validateEverySeconds: 25 } });
    const epochs = env.project.runs.epochs(outcome.runId);
    expect(epochs).toHaveLength(outcome.epochs);
    expect(epochs.at(-1)!.meanIoU).not.toBeNull();
    expect(epochs.slice(0, -1).every((e) => e.meanIoU === null)).toBe(true);
    const last = epochs.at(-1)!.epoch;
    expect(env.project.runs.checkpoints(outcome.runId).sort((a, b) => a.kind.localeCompare(b.kind))).toMatchObject([
      { kind: 'best', epoch: last },
      { kind: 'last', epoch: last },
    ]);
    // Epochs and minutes both given: whichever ends first (here the epochs), said in the outcome.
    expect(await train(env.project, env.ml, { ...SETTINGS, epochs: 2, maxMinutes: 5 })).toMatchObject({ epochs: 2, stoppedBy: 'epochs' });
  });

  it('resumes a run whose ML process was killed, with no lost or duplicated epoch', async () => {
    const firstPid = (await waitForReady(null)).pid!;
    let killed = false;
    const training = train(env.project, env.ml, { ...SETTINGS, epochs: 4 }, (event) => {
      // Kill the process in the middle of epoch 2, after epoch 1's checkpoint is on disk.
      if (!killed && event.type === 'progress' && event.epoch === 2 && event.step >= 1) {
        killed = true;
        process.kill(firstPid, 'SIGKILL');
      }
    });
    await expect(training).rejects.toThrow(/failed: .*SIGKILL.*--resume/);
    const run = env.project.runs.latest()!;
    expect(run.status).toBe('failed');
    expect(env.project.runs.epochs(run.id).map((e) => e.epoch)).toEqual([1]);

    await waitForReady(firstPid);
    const resumed = await train(env.project, env.ml, { resume: 'latest' });
    expect(resumed).toMatchObject({ runId: run.id, epochs: 3, stoppedBy: 'epochs' });
    expect(env.project.runs.epochs(run.id).map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(env.project.runs.byId(run.id)!.status).toBe('completed');
  });
});

describe('training through the backend contract', () => {
  it('starts a run, streams progress and epochs as events carrying the run row, and lists it with its curve and, while it trains, its job', async () => {
    const { Backend } = await import('../../../electron/backend/backend');
    const backend = new Backend({ mode: 'browser', version: 'test', ml: env.ml });
    backend.openProject(env.project.dir);
    const list = async () => {
      const runs = await backend.invoke('runs:list', {});
      if (!runs.ok) throw new Error(runs.error.message);
      return runs.value as RunSummary[];
    };
    const epochs: number[] = [];
    const rows: Array<RunSummary | null> = [];
    let progressEvents = 0;
    let listedWhileTraining: Promise<RunSummary[]> | null = null;
    backend.events.on('runs:epoch', (e) => {
      epochs.push(e.epoch);
      rows.push(e.run);
    });
    backend.events.on('runs:progress', () => {
      progressEvents++;
      listedWhileTraining ??= list();
    });
    const done = new Promise<{ runId: number | null; error: unknown; run: RunSummary | null }>((resolve) => backend.events.once('runs:done', resolve));
    const started = await backend.invoke('runs:start', { ...SETTINGS, epochs: 2 });
    if (!started.ok) throw new Error(started.error.message);
    const result = await done;
    expect(result.error).toBeNull();
    expect(epochs).toEqual([1, 2]);
    expect(progressEvents).toBeGreaterThan(0);
    // What a reloaded (or second) window follows and cancels the run by.
    expect((await listedWhileTraining!)[0]).toMatchObject({ id: result.runId, status: 'running', jobId: (started.value as { jobId: string }).jobId });
    const runs = await list();
    expect(runs[0]).toMatchObject({ id: result.runId, status: 'completed', jobId: null, backend: 'wasm', epochs: [{ epoch: 1 }, { epoch: 2 }] });
    expect(runs.every((r) => r.jobId === null)).toBe(true);
    // Each epoch's event carries the row with that epoch on its curve, while it trains; the done event the final row.
    const jobId = (started.value as { jobId: string }).jobId;
    expect(rows.map((r) => [r?.id, r?.status, r?.jobId, r?.epochs.map((e) => e.epoch)])).toEqual([
      [result.runId, 'running', jobId, [1]],
      [result.runId, 'running', jobId, [1, 2]],
    ]);
    expect(result.run).toEqual(runs[0]);
    backend.closeProject();
  });

  it('lists a resumed run with its new job, which cancels it as a reloaded window would', async () => {
    const { Backend } = await import('../../../electron/backend/backend');
    const backend = new Backend({ mode: 'browser', version: 'test', ml: env.ml });
    backend.openProject(env.project.dir);
    /** Starts (or resumes) a run and, at its first step, cancels it by the job id that runs:list gives. */
    const cancelFromList = async (request: object) => {
      const done = new Promise<{ jobId: string; runId: number | null; stoppedBy: string | null }>((resolve) => backend.events.once('runs:done', resolve));
      const listed = new Promise<RunSummary>((resolve) =>
        backend.events.once('runs:progress', () => void backend.invoke('runs:list', {}).then((r) => r.ok && resolve((r.value as RunSummary[])[0]))),
      );
      const started = await backend.invoke('runs:start', request);
      if (!started.ok) throw new Error(started.error.message);
      const run = await listed;
      expect(run).toMatchObject({ status: 'running', jobId: (started.value as { jobId: string }).jobId });
      expect(await backend.invoke('runs:cancel', { jobId: run.jobId! })).toEqual({ ok: true, value: { cancelled: true } });
      expect(await done).toMatchObject({ jobId: run.jobId, runId: run.id, stoppedBy: 'cancel' });
      return run.id;
    };
    const runId = await cancelFromList({ ...SETTINGS, epochs: 200 });
    expect(await cancelFromList({ resume: String(runId) })).toBe(runId);
    const runs = await backend.invoke('runs:list', {});
    expect(runs.ok && (runs.value as RunSummary[])[0]).toMatchObject({ id: runId, status: 'cancelled', jobId: null });
    backend.closeProject();
  });
});
