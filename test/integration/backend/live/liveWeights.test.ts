import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Backend } from '../../../../electron/backend/backend';
import type { MlSupervisor } from '../../../../electron/backend/mlSupervisor';
import { sourceMlSupervisor } from '../../../../electron/host/studioHost';
import { loadCheckpoint, selectBackend } from '../../../../electron/ml/engine';
import { kerasInitialTensors } from '../../../../electron/ml/engine/weights/kerasApplications';
import type { Result } from '../../../../shared/contract/errors';
import type { Channel, ReplyOf } from '../../../../shared/contract/rendererContract';
import { defaultLearningRate } from '../../../../shared/domain/training';
import { nextBackendEvent } from '../../../fixtures/backendEvents';
import { tempDir } from '../../../fixtures/images';
import { mobileNetV2Layers, vggLayers, writeKerasWeights, type FixtureLayer } from '../../../fixtures/kerasWeights';
import { createRectangleProject, mlReady } from '../../../fixtures/trainingProject';
import { IMAGENET_WEIGHTS } from '../../../../electron/backend/training/pretrainedWeights';

const SIZE = 32;
let root: string;
let projectDir: string;
let weightsFile: string;
let layers: FixtureLayer[];
let ml: MlSupervisor;
let backend: Backend;

async function call<C extends Channel>(channel: C, request: unknown): Promise<ReplyOf<C>> {
  const result = (await backend.invoke(channel, request)) as Result<ReplyOf<C>>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}


beforeAll(async () => {
  root = tempDir();
  projectDir = join(root, 'p');
  (await createRectangleProject(projectDir, join(root, 'data'), { count: 6, size: SIZE, train: 4 })).close();
  // The small backbone's VGG layout (VGG16 / 8), as the explicit run's weights tests write it.
  layers = vggLayers({ stages: [[8, 2], [16, 2], [32, 3], [64, 3], [64, 3]], fcKernel: 7, fcWidth: 256, top: true });
  weightsFile = join(root, 'small_vgg.h5');
  await writeKerasWeights(weightsFile, layers);
  await selectBackend('cpu');
  ml = sourceMlSupervisor();
  ml.start();
  backend = new Backend({ mode: 'browser', version: 'test', ml, live: { roundSeconds: 0.2, checkpointSeconds: 1, batch: 2, backend: 'wasm' } });
});

afterAll(async () => {
  await backend.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('Live from the user’s weights', () => {
  it('starts from the Keras weights the newest explicit run started from, with the fine-tuning learning rate', async () => {
    await call('project:open', { path: projectDir });
    // The weights check is a request, not a job: a process still starting up would miss health pings meanwhile.
    await mlReady(ml);
    const explicitDone = nextBackendEvent(backend, 'runs:done', () => true);
    await call('runs:start', { backbone: 'small', backend: 'wasm', epochs: 1, longSide: SIZE, batch: 4, weights: weightsFile });
    expect((await explicitDone).error).toBeNull();

    const checkpointed = nextBackendEvent(backend, 'live:status', (s) => s.valMeanIoU !== null);
    const { runId } = await call('live:start', {});
    await checkpointed;
    await call('live:stop', {});
    const run = (await call('runs:list', {})).find((r) => r.id === runId)!;
    expect(run.initialWeights).toMatchObject({ source: 'file', path: weightsFile, kerasModel: 'VGG16' });
    expect(run.settings).toMatchObject({ backbone: 'small', learningRate: defaultLearningRate('small', true) });

    // Its weights are the file's, moved only by a few fine-tuning steps (a fresh start differs by far more).
    const { model } = await loadCheckpoint(join(projectDir, 'checkpoints', `run-${runId}`, 'last'));
    try {
      const file = layers.find((l) => l.name === 'block1_conv1')!.weights[0].data;
      const got = model.w('block1_conv1/kernel').dataSync();
      const worst = file.reduce((w, v, i) => Math.max(w, Math.abs(v - got[i])), 0);
      expect(worst).toBeLessThan(0.02);
    } finally {
      model.dispose();
    }
  }, 120_000);

  it('with no explicit run, starts from MobileNetV2’s ImageNet weights already in the user cache, and records what the file gave', async () => {
    const fresh = join(root, 'fresh');
    (await createRectangleProject(fresh, join(root, 'data-fresh'), { count: 6, size: SIZE, train: 4 })).close();
    const cache = join(root, 'cache');
    mkdirSync(cache, { recursive: true });
    const mobilenet = mobileNetV2Layers();
    const cached = join(cache, IMAGENET_WEIGHTS.mobilenetv2.file.split('/').pop()!);
    await writeKerasWeights(cached, mobilenet);
    const before = process.env.FCN_STUDIO_WEIGHTS_DIR;
    process.env.FCN_STUDIO_WEIGHTS_DIR = cache;
    try {
      await call('project:open', { path: fresh });
      await mlReady(ml);
      const checkpointed = nextBackendEvent(backend, 'live:status', (s) => s.valMeanIoU !== null);
      const { runId } = await call('live:start', {});
      await checkpointed;
      await call('live:stop', {});
      const run = (await call('runs:list', {})).find((r) => r.id === runId)!;
      expect(run.settings).toMatchObject({ backbone: 'mobilenetv2', learningRate: defaultLearningRate('mobilenetv2', true) });
      expect(run.initialWeights).toMatchObject({ source: 'imagenet', path: cached, kerasModel: expect.stringMatching(/MobileNetV2/) });

      // Its first convolution is the file's (batch norm folded in, as the loader reads it), moved only by a few steps.
      const { model } = await loadCheckpoint(join(fresh, 'checkpoints', `run-${runId}`, 'last'));
      const { tensors } = await kerasInitialTensors(cached, 'mobilenetv2');
      try {
        const file = tensors.get('Conv1/kernel')!.dataSync() as Float32Array;
        const got = model.w('Conv1/kernel').dataSync();
        const worst = file.reduce((w, v, i) => Math.max(w, Math.abs(v - got[i])), 0);
        expect(worst).toBeLessThan(0.02);
      } finally {
        model.dispose();
        tensors.forEach((t) => t.dispose());
      }
    } finally {
      if (before === undefined) delete process.env.FCN_STUDIO_WEIGHTS_DIR;
      else process.env.FCN_STUDIO_WEIGHTS_DIR = before;
    }
  }, 180_000);
});
