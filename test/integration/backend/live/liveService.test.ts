import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Backend } from '../../../../electron/backend/backend';
import type { MlSupervisor } from '../../../../electron/backend/mlSupervisor';
import { sourceMlSupervisor } from '../../../../electron/host/studioHost';
import type { Result } from '../../../../shared/contract/errors';
import type { Channel, LabelMask, ReplyOf, RendererEvents, RunSummary } from '../../../../shared/contract/rendererContract';
import type { LivePrediction, LiveStatus } from '../../../../shared/domain/live';
import { encodeMaskPng } from '../../../../shared/mask/maskPng';
import { createRectangleProject } from '../../../fixtures/trainingProject';
import { nextBackendEvent } from '../../../fixtures/backendEvents';
import { tempDir } from '../../../fixtures/images';

const SIZE = 32;
let root: string;
let projectDir: string;
let ml: MlSupervisor;
let backend: Backend;
const statuses: LiveStatus[] = [];
const predictions: LivePrediction[] = [];
const savedPredictions: Array<RendererEvents['predictions:saved']> = [];

async function call<C extends Channel>(channel: C, request: unknown): Promise<ReplyOf<C>> {
  const result = (await backend.invoke(channel, request)) as Result<ReplyOf<C>>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** Resolves with the first event of `name` (already seen or to come) that `ok` accepts. */
function waitForEvent<E extends 'live:status' | 'live:prediction'>(name: E, ok: (payload: RendererEvents[E]) => boolean): Promise<RendererEvents[E]> {
  const seen = (name === 'live:status' ? statuses : predictions) as Array<RendererEvents[E]>;
  const hit = seen.find(ok);
  return hit ? Promise.resolve(hit) : nextBackendEvent(backend, name, ok);
}

beforeAll(async () => {
  root = tempDir();
  projectDir = join(root, 'p');
  // 6 rectangle images: 4 train, 2 val, all labeled by import.
  (await createRectangleProject(projectDir, join(root, 'data'), { count: 6, size: SIZE, train: 4 })).close();
  ml = sourceMlSupervisor();
  ml.start();
  backend = new Backend({ mode: 'browser', version: 'test', ml, live: { roundSeconds: 0.2, checkpointSeconds: 1, batch: 2, backend: 'wasm' } });
  backend.events.on('live:status', (s) => statuses.push(s));
  backend.events.on('live:prediction', (p) => predictions.push(p));
  backend.events.on('predictions:saved', (e) => savedPredictions.push(e));
});

afterAll(async () => {
  await backend.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('Live through the backend and the ML process', () => {
  it('trains, follows a saved label, records a run, yields to an explicit run, stops, and is remembered', async () => {
    await call('project:open', { path: projectDir });
    expect(await call('live:status', {})).toMatchObject({ state: 'off' });
    const [first] = await call('images:list', { split: 'train' });

    const started = await call('live:start', { imageId: first.id });
    expect(started.state).toBe('starting');
    const runId = started.runId!;
    const before = await waitForEvent('live:prediction', (p) => p.imageId === first.id);
    expect(before).toMatchObject({ runId, width: SIZE, height: SIZE });
    expect(before.mask.length).toBe(SIZE * SIZE);

    // A correction saved as the editor saves it: the whole image relabeled as box (1).
    const current = await call('labels:get', { imageId: first.id });
    const saved = await call('labels:save', {
      imageId: first.id,
      baseVersion: (current as LabelMask).version,
      png: encodeMaskPng({ width: SIZE, height: SIZE, values: new Uint8Array(SIZE * SIZE).fill(1) }),
    });
    const after = await waitForEvent('live:prediction', (p) => p.imageId === first.id && p.trainedVersion === saved.version);
    expect(after.round).toBeGreaterThan(before.round);

    // A live prediction is the live run's prediction of that image: accept, the grid and "label next" read it.
    const stored = await call('predictions:get', { imageId: first.id, runId });
    expect(stored?.summary).toMatchObject({ runId, imageId: first.id });
    expect(stored!.width).toBe(SIZE);
    // Scored against the label saved above (the whole image is labeled, so agreement is known).
    expect(stored!.summary.iou).not.toBeNull();
    expect((await call('predictions:list', { runId })).predictions.map((p) => p.imageId)).toEqual([first.id]);
    // …and told as a stored prediction is, so the grid and the queues patch it in.
    expect(savedPredictions.some((e) => e.summary.runId === runId && e.summary.imageId === first.id)).toBe(true);

    // The live run is a run: epochs (= rounds) with val mean IU, checkpoints, in the run list.
    const measured = await waitForEvent('live:status', (s) => s.valMeanIoU !== null && s.state === 'training');
    expect(measured).toMatchObject({ runId, trainImages: 4, valImages: 2, labeledPixels: 4 * SIZE * SIZE });
    const run = (await call('runs:list', {})).find((r: RunSummary) => r.id === runId)!;
    expect(run.status).toBe('running');
    // Its settings are a run's settings, with neither an epoch count nor a time budget: it trains until turned off.
    expect(run.settings).toMatchObject({ batch: 2, epochs: null, maxMinutes: null, backend: 'wasm' });
    expect(run.epochs.at(-1)!.meanIoU).not.toBeNull();

    // An explicit run takes the ML process over; Live pauses, then continues the same run.
    const { jobId } = await call('runs:start', { backbone: 'small', backend: 'wasm', epochs: 1, longSide: SIZE, batch: 4 });
    const paused = await waitForEvent('live:status', (s) => s.state === 'paused');
    const done = await nextBackendEvent(backend, 'runs:done', (e) => e.jobId === jobId);
    expect(done.error).toBeNull();
    const pausedAt = statuses.indexOf(paused);
    const resumed = await waitForEvent('live:status', (s) => s.state === 'training' && statuses.indexOf(s) > pausedAt);
    expect(resumed.runId).toBe(runId);

    // A prediction job from the review screens also has the ML process to itself: Live pauses for it and comes back.
    const predicting = await call('predictions:start', { runId, target: { kind: 'images', ids: [first.id] } });
    const predicted = await nextBackendEvent(backend, 'predictions:done', (e) => e.jobId === predicting.jobId);
    expect(predicted).toMatchObject({ predicted: 1, error: null });
    const predictedAt = statuses.length;
    await waitForEvent('live:status', (s) => s.state === 'training' && statuses.indexOf(s) >= predictedAt);

    // A new class changes the network's outputs: Live starts again, on a new run.
    const addedAt = statuses.length;
    await call('classes:add', { name: 'extra', color: '#00aa00' });
    const renewed = await waitForEvent('live:status', (s) => s.state === 'training' && s.runId !== runId && statuses.indexOf(s) >= addedAt);
    expect(renewed.runId).not.toBe(runId);
    const liveRunId = renewed.runId!;

    // Off: the job stops, the run is completed with its checkpoints, and the choice is remembered.
    const off = await call('live:stop', {});
    expect(off.state).toBe('off');
    const runs = await call('runs:list', {});
    expect(runs.filter((r: RunSummary) => r.id === runId || r.id === liveRunId).map((r) => r.status)).toEqual(['completed', 'completed']);
    await call('project:close', {});
    await call('project:open', { path: projectDir });
    expect((await call('live:status', {})).state).toBe('off');

    await call('live:start', {});
    await call('project:close', {});
    const reopenedAt = statuses.length;
    await call('project:open', { path: projectDir });
    const again = await waitForEvent('live:status', (s) => s.state === 'training' && statuses.indexOf(s) >= reopenedAt);
    expect(again.runId).toBe(liveRunId);
    // It continues the same run from its last checkpoint: rounds keep counting.
    expect(again.round).toBeGreaterThan(renewed.round);
    await call('live:stop', {});
  });
});
