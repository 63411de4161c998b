import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encodeMaskPng } from '../../../../shared/mask/maskPng';
import type { LiveItem, LiveRequest, MlEventMessage } from '../../../../shared/contract/mlContract';
import { resolveTrainSettings, type TrainSettingsInput } from '../../../../shared/domain/training';
import { selectBackend } from '../../../../electron/ml/engine';
import { LiveSampleStore } from '../../../../electron/ml/live/liveSampleStore';
import { LiveSampler } from '../../../../electron/ml/live/liveSampler';
import { liveSession, runLive } from '../../../../electron/ml/live/liveJob';
import { tempDir } from '../../../fixtures/images';
import { writeRectangleSet } from '../../../fixtures/segmentationSet';

const SIZE = 48;
let root: string;
let images: string[];

beforeAll(async () => {
  await selectBackend('wasm');
  root = tempDir();
  const set = await writeRectangleSet(join(root, 'data'), 3, SIZE);
  images = readdirSync(set.images)
    .sort()
    .map((f) => join(set.images, f));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A mask of 255 with a horizontal stroke of `value` over rows y0..y0+3. */
function scribble(strokes: Array<{ value: number; y0: number }>): Uint8Array {
  const values = new Uint8Array(SIZE * SIZE).fill(255);
  for (const { value, y0 } of strokes) values.fill(value, y0 * SIZE + 4, (y0 + 3) * SIZE - 4);
  return encodeMaskPng({ width: SIZE, height: SIZE, values });
}

function item(index: number, version: number, strokes: Array<{ value: number; y0: number }>, split: 'train' | 'val' = 'train'): LiveItem {
  return { imageId: index + 1, path: images[index], maskPng: scribble(strokes), version, split };
}

const lut = (() => {
  const t = new Uint8Array(256).fill(255);
  t[0] = 0;
  t[1] = 1;
  return t;
})();

/** A live job on the rectangle images with the tiny backbone, short rounds and no checkpoints; `overrides` change fields. */
function liveRequest(jobId: string, settings: TrainSettingsInput, overrides: Partial<LiveRequest>): LiveRequest {
  return {
    jobId,
    settings: { ...resolveTrainSettings({ backend: 'wasm', batch: 2, crop: 32, ...settings }, SIZE), backbone: 'tiny' as never, epochs: null },
    classValues: [0, 1],
    items: [],
    focus: null,
    checkpointDir: join(root, 'checkpoints', jobId),
    startFrom: null,
    startRound: 0,
    roundSeconds: 0.02,
    checkpointSeconds: 3600,
    ...overrides,
  };
}

describe('live sample store and sampler', () => {
  it('an update replaces one image’s labels in place and the next batch trains on the new pixels', async () => {
    const store = new LiveSampleStore({ scaling: { longSide: SIZE }, lut, numClasses: 2 });
    const sampler = new LiveSampler(store, { batch: 2, crop: 32, seed: 3 });
    await store.upsert(item(0, 1, [{ value: 0, y0: 5 }]));
    await store.upsert(item(1, 1, [{ value: 0, y0: 30 }]));
    const other = store.get(2);
    const pixels = store.get(1)!.rgb;
    for (let i = 0; i < 5; i++) expect(new Set(sampler.next()!.batch.masks)).toEqual(new Set([0, 255]));

    await store.upsert(item(0, 2, [{ value: 0, y0: 5 }, { value: 1, y0: 20 }]));
    sampler.prioritise(1);
    const next = sampler.next()!;
    expect(next.drawn[0]).toEqual({ imageId: 1, version: 2 });
    expect(next.batch.masks).toContain(1);
    // The image was not decoded again, and the other image was not touched.
    expect(store.get(1)!.rgb).toBe(pixels);
    expect(store.get(2)).toBe(other);
    expect(store.classPixels()[1]).toBe(3 * SIZE - 8);
  });

  it('ignores an update older than the labels it holds', async () => {
    const store = new LiveSampleStore({ scaling: { longSide: SIZE }, lut, numClasses: 2 });
    await store.upsert(item(0, 3, [{ value: 1, y0: 5 }]));
    await store.upsert(item(0, 2, [{ value: 0, y0: 5 }]));
    expect(store.get(1)!.version).toBe(3);
    expect(store.classPixels()).toEqual([0, store.get(1)!.labeledPixels]);
  });

  it('gives its live share to images labeled lately and otherwise draws as train does: every image once per pass', async () => {
    let now = 0;
    const store = new LiveSampleStore({ scaling: { longSide: SIZE }, lut, numClasses: 2, now: () => now });
    await store.upsert(item(1, 1, [{ value: 0, y0: 5 }]));
    now = 60_000;
    await store.upsert(item(0, 1, [{ value: 1, y0: 20 }]));
    const sampler = new LiveSampler(store, { batch: 4, crop: 16, seed: 9, liveShare: 0.25, recentMs: 30_000, now: () => now });
    const ordinary = new Map<number, number>();
    for (let i = 0; i < 10; i++) {
      const { drawn } = sampler.next()!;
      // The live crop: the image labeled a moment ago.
      expect(drawn[0].imageId).toBe(1);
      for (const d of drawn.slice(1)) ordinary.set(d.imageId, (ordinary.get(d.imageId) ?? 0) + 1);
    }
    // The others go through both images in shuffled passes, as explicit training's epochs do.
    expect(ordinary).toEqual(new Map([[1, 15], [2, 15]]));
    now += 30_000;
    const later = Array.from({ length: 10 }, () => sampler.next()!.drawn.map((d) => d.imageId));
    expect(later.flat().filter((id) => id === 1)).toHaveLength(20);
  });
});

describe('live job', () => {
  it('takes a stream of mask updates while training, predicts the focus image each round, stays memory-flat, and stops on cancel', async () => {
    const events: MlEventMessage[] = [];
    const controller = new AbortController();
    const checkpointDir = join(root, 'checkpoints', 'live-1');
    const req: LiveRequest = {
      jobId: 'live-test',
      settings: { ...resolveTrainSettings({ backend: 'wasm', batch: 2, crop: 32, learningRate: 3e-3 }, SIZE), backbone: 'tiny' as never, epochs: null },
      classValues: [0, 1],
      items: [item(0, 1, [{ value: 0, y0: 5 }]), item(2, 1, [{ value: 0, y0: 5 }, { value: 1, y0: 30 }], 'val')],
      focus: { imageId: 2, path: images[1] },
      checkpointDir,
      startFrom: null,
      startRound: 0,
      roundSeconds: 0.05,
      checkpointSeconds: 0.5,
      // Not here: a consolidation's second model would count in the tensors (its own test follows).
      consolidateSeconds: 0,
    };
    const rounds = () => events.filter((e): e is Extract<MlEventMessage, { type: 'live-round' }> => e.type === 'live-round');
    const predictions = () => events.filter((e): e is Extract<MlEventMessage, { type: 'live-prediction' }> => e.type === 'live-prediction');
    const waitFor = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 20));
    };
    const done = runLive(req, (e) => events.push(e), controller.signal);
    // Labels saved while the job is still starting (choosing its backend, building the model) are taken, not lost.
    expect(() => liveSession('live-test')).not.toThrow();
    await waitFor(() => rounds().length >= 2);
    expect(rounds()[0].labeledPixels).toBe(3 * SIZE - 8);
    expect(predictions()[0]).toMatchObject({ imageId: 2, trainedVersion: null, width: SIZE, height: SIZE });

    // The stream: the focus image gets labels, then more, version by version.
    for (let version = 1; version <= 4; version++) {
      const strokes = Array.from({ length: version }, (_, k) => ({ value: k % 2, y0: 4 + 10 * k }));
      await liveSession('live-test').update({ jobId: 'live-test', upsert: [item(1, version, strokes)], remove: [] }, (e) => events.push(e));
      await waitFor(() => predictions().some((p) => p.trainedVersion === version));
    }
    // Each update reached the store: the last round counts the focus image's four strokes too.
    const last = rounds().at(-1)!;
    expect(last.trainImages).toBe(2);
    expect(last.labeledPixels).toBe(5 * (3 * SIZE - 8));

    // Memory: after the first checkpoint (optimiser slots exist), tensors stay flat over many rounds.
    await waitFor(() => events.some((e) => e.type === 'checkpoint'));
    const from = rounds().length;
    await waitFor(() => rounds().length >= from + 30);
    const counts = rounds().slice(from).map((r) => r.numTensors);
    expect(Math.max(...counts)).toBe(Math.min(...counts));

    controller.abort();
    const result = await done;
    expect(result.rounds).toBeGreaterThan(30);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.length).toBeGreaterThan(0);
    // Validated checkpoints on the way, and the last one holds every round (on stop it is not validated: the stop must be quick).
    expect(epochs.some((e) => e.type === 'epoch' && e.val !== null && !Number.isNaN(e.val.metrics.meanIoU))).toBe(true);
    expect(epochs.at(-1)).toMatchObject({ epoch: result.rounds });
    expect(readdirSync(join(checkpointDir, 'last'))).toContain('model.json');
    expect(() => liveSession('live-test')).toThrow(/no live job/);
  });

  it('sends the open image’s prediction at training scale: a large image’s full-size mask would clog the IPC channel', async () => {
    const TRAIN_SIDE = 32;
    const events: MlEventMessage[] = [];
    const controller = new AbortController();
    const req = liveRequest('live-scale', { longSide: TRAIN_SIDE }, { items: [item(0, 1, [{ value: 0, y0: 5 }, { value: 1, y0: 30 }])], focus: { imageId: 1, path: images[0] } });
    const done = runLive(req, (e) => events.push(e), controller.signal);
    while (!events.some((e) => e.type === 'live-prediction')) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await done;
    const p = events.find((e) => e.type === 'live-prediction')!;
    expect(p).toMatchObject({ imageId: 1, width: TRAIN_SIDE, height: TRAIN_SIDE });
    if (p.type === 'live-prediction') expect(p.mask.length).toBe(TRAIN_SIDE ** 2);
  });

  it('ends the round one step after a label update, also one that arrived between rounds', async () => {
    const events: MlEventMessage[] = [];
    const controller = new AbortController();
    // Rounds would last 30 s without updates; nothing labeled at the start.
    const req = liveRequest('live-between', {}, { roundSeconds: 30, focus: { imageId: 1, path: images[0] } });
    const rounds = () => events.filter((e): e is Extract<MlEventMessage, { type: 'live-round' }> => e.type === 'live-round');
    const waitFor = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 20));
    };
    const emit = (e: MlEventMessage) => {
      events.push(e);
      // The second stroke lands while the first round's prediction is being sent: before the next round starts.
      if (e.type === 'live-prediction' && e.round === 1) void liveSession('live-between').update({ jobId: 'live-between', upsert: [item(0, 2, [{ value: 0, y0: 5 }, { value: 1, y0: 30 }])], remove: [] }, emit);
    };
    const done = runLive(req, emit, controller.signal);
    await liveSession('live-between').update({ jobId: 'live-between', upsert: [item(0, 1, [{ value: 0, y0: 5 }])], remove: [] }, emit);
    await waitFor(() => events.some((e) => e.type === 'live-prediction' && e.trainedVersion === 2));
    controller.abort();
    await done;
    expect(rounds().slice(0, 2).map((r) => r.steps)).toEqual([1, 1]);
  });

  it('starts a fresh model once the labeled pixels have doubled since the model began, not before', async () => {
    const events: MlEventMessage[] = [];
    const controller = new AbortController();
    const req = liveRequest('live-restart', {}, { items: [item(0, 1, [{ value: 0, y0: 5 }, { value: 1, y0: 30 }])] });
    const restarts = () => events.filter((e) => e.type === 'log' && /from scratch/.test(e.message));
    const rounds = () => events.filter((e) => e.type === 'live-round').length;
    const waitFor = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 20));
    };
    const done = runLive(req, (e) => events.push(e), controller.signal);
    await waitFor(() => rounds() >= 2);
    // Half as many pixels again: the same model trains on.
    await liveSession('live-restart').update({ jobId: 'live-restart', upsert: [item(1, 1, [{ value: 1, y0: 20 }])], remove: [] }, (e) => events.push(e));
    let from = rounds();
    await waitFor(() => rounds() >= from + 2);
    expect(restarts()).toHaveLength(0);
    // Twice the pixels the model started with: a fresh one, once.
    await liveSession('live-restart').update({ jobId: 'live-restart', upsert: [item(2, 1, [{ value: 0, y0: 10 }, { value: 1, y0: 40 }])], remove: [] }, (e) => events.push(e));
    from = rounds();
    await waitFor(() => rounds() >= from + 3);
    expect(restarts()).toHaveLength(1);
    expect(restarts()[0]).toMatchObject({ message: expect.stringMatching(/from 272 to 680 pixels/) });
    controller.abort();
    await done;
  });

  it('consolidates once the labels rest: a fresh model on all of them, the overlay kept on the previous one until it hands over; new labels drop it', async () => {
    const events: MlEventMessage[] = [];
    const controller = new AbortController();
    const emit = (e: MlEventMessage) => events.push(e);
    const req = liveRequest(
      'live-consolidate',
      {},
      {
        // No val labels: the fresh model takes over once it has trained as long as the previous one
        // had (the hand-over on validation: liveModels.test.ts).
        items: [item(0, 1, [{ value: 0, y0: 5 }, { value: 1, y0: 30 }])],
        focus: { imageId: 2, path: images[1] },
        checkpointSeconds: 0.3,
        consolidateSeconds: 0.4,
      },
    );
    const logged = (pattern: RegExp) => events.findIndex((e) => e.type === 'log' && pattern.test(e.message));
    const predictions = (from: number, to: number) =>
      events.slice(from, to).filter((e): e is Extract<MlEventMessage, { type: 'live-prediction' }> => e.type === 'live-prediction');
    const waitFor = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 20));
    };
    const done = runLive(req, emit, controller.signal);
    try {
      await consolidation();
    } finally {
      controller.abort();
      await done;
    }

    async function consolidation(): Promise<void> {
    await waitFor(() => events.filter((e) => e.type === 'live-round').length >= 3);
    // No consolidation while the model began on all the labels there are, however long they rest.
    await new Promise((r) => setTimeout(r, 600));
    expect(logged(/have not changed/)).toBe(-1);
    // Half as many labeled pixels again (no doubling, so no restart): after they rest, a fresh model.
    await liveSession('live-consolidate').update({ jobId: 'live-consolidate', upsert: [item(1, 1, [{ value: 1, y0: 20 }])], remove: [] }, emit);
    await waitFor(() => logged(/takes over the overlay/) >= 0);
    const began = logged(/have not changed for 0.4 s: training a fresh model on all 408 labeled pixels \(the model began with 272\)/);
    const handedOver = logged(/takes over the overlay/);
    expect(began).toBeGreaterThan(0);
    expect(logged(/from scratch/)).toBe(-1);
    // Meanwhile the overlay came from the previous model, frozen: every prediction the same.
    const meanwhile = predictions(began, handedOver);
    expect(meanwhile.length).toBeGreaterThan(2);
    expect(new Set(meanwhile.map((p) => p.meanEntropy)).size).toBe(1);
    // Each round says so (the status line's "retraining on all labels"), with the fresh model's growing age.
    const rounds = (from: number, to: number) => events.slice(from, to).filter((e): e is Extract<MlEventMessage, { type: 'live-round' }> => e.type === 'live-round');
    expect(rounds(0, began).every((r) => r.consolidatingSeconds === null)).toBe(true);
    const consolidatingAges = rounds(began, handedOver).map((r) => r.consolidatingSeconds);
    expect(consolidatingAges.length).toBeGreaterThan(2);
    expect(consolidatingAges.every((s) => s !== null && s >= 0)).toBe(true);
    expect(consolidatingAges).toEqual([...consolidatingAges].sort((a, b) => a! - b!));
    // Meanwhile `last/` stayed the previous model's (written when the consolidation began); the fresh
    // model writes it from its first checkpoint after taking over.
    const lastWrites = events.map((e, i) => (e.type === 'checkpoint' && e.kind === 'last' ? i : -1)).filter((i) => i >= 0);
    expect(lastWrites.filter((i) => i > began && i < handedOver)).toEqual([]);
    await waitFor(() => events.some((e, i) => i > handedOver && e.type === 'checkpoint' && e.kind === 'last'));
    expect(readdirSync(join(req.checkpointDir, 'last'))).toContain('model.json');
    // Memory: the previous model was disposed at the hand-over (tensors back to one model's).
    const roundsBefore = rounds(0, began);
    await waitFor(() => events.slice(handedOver).filter((e) => e.type === 'live-round').length >= 2);
    expect(rounds(handedOver, events.length).at(-1)!.numTensors).toBe(roundsBefore.at(-1)!.numTensors);
    expect(rounds(handedOver, events.length).at(-1)!.consolidatingSeconds).toBeNull();

    // Again, but the user labels before the fresh model hands over: it is dropped, the previous one trains on.
    await liveSession('live-consolidate').update({ jobId: 'live-consolidate', upsert: [item(1, 2, [{ value: 1, y0: 20 }, { value: 0, y0: 40 }])], remove: [] }, emit);
    await waitFor(() => events.filter((e) => e.type === 'log' && /have not changed/.test(e.message)).length >= 2);
    await liveSession('live-consolidate').update({ jobId: 'live-consolidate', upsert: [item(1, 3, [{ value: 1, y0: 20 }])], remove: [] }, emit);
    await waitFor(() => logged(/labels changed again: the previous model trains on/) >= 0);
    const dropped = logged(/labels changed again/);
    const after = events.filter((e) => e.type === 'live-round').length;
    await waitFor(() => events.filter((e) => e.type === 'live-round').length >= after + 5);
    // Trained again after the drop: its predictions move.
    expect(new Set(predictions(dropped, events.length).map((p) => p.meanEntropy)).size).toBeGreaterThan(1);
    }
  });

  it('trains no step while the user paints, and carries on when they stop', async () => {
    const events: MlEventMessage[] = [];
    const controller = new AbortController();
    const req = liveRequest('live-paint', {}, { items: [item(0, 1, [{ value: 0, y0: 5 }, { value: 1, y0: 30 }])] });
    const rounds = () => events.filter((e) => e.type === 'live-round').length;
    const waitFor = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 20));
    };
    const done = runLive(req, (e) => events.push(e), controller.signal);
    await waitFor(() => rounds() >= 2);
    liveSession('live-paint').setPainting(true);
    // The step in progress may still end its round; after that, nothing while the pointer is down.
    await new Promise((r) => setTimeout(r, 100));
    const paused = rounds();
    await new Promise((r) => setTimeout(r, 600));
    expect(rounds()).toBe(paused);
    liveSession('live-paint').setPainting(false);
    await waitFor(() => rounds() >= paused + 2);
    controller.abort();
    await done;
  });
});
