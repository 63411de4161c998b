import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { buildFcn, createOptimizer, probeWebGpu, selectBackend, trainStep } from '../../../electron/ml/engine';
import type { BackendName, FcnConfig } from '../../../electron/ml/engine';
import { syntheticBatch } from '../../unit/ml/syntheticSegmentation';

const config: FcnConfig = { head: 'fcn8s', backbone: 'tiny', numClasses: 3, dropout: 0, seed: 11 };
const STEPS = 4;

/** Losses of the same tiny net, same init, same batches, trained on one backend. */
async function losses(backend: BackendName): Promise<number[]> {
  await selectBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const model = buildFcn(config);
  const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-2 });
  const out: number[] = [];
  for (let i = 0; i < STEPS; i++) out.push(await trainStep(model, optimizer, syntheticBatch(2, 32, 20 + i)));
  model.dispose();
  optimizer.dispose();
  return out;
}

describe('the same net trained on every backend', () => {
  it('wasm, cpu and webgpu give the same losses', async (ctx) => {
    const cpu = await losses('cpu');
    const wasm = await losses('wasm');
    // The losses must actually move, or agreement would prove nothing.
    expect(Math.abs(cpu[STEPS - 1] - cpu[0])).toBeGreaterThan(1e-3);
    for (let i = 0; i < STEPS; i++) expect(wasm[i]).toBeCloseTo(cpu[i], 3);

    const adapter = await probeWebGpu();
    if (!adapter) {
      console.warn('webgpu: skipped — Dawn found no adapter (needs Vulkan/Metal/D3D12, or Mesa GLES with EGL)');
      ctx.skip();
      return;
    }
    const webgpu = await losses('webgpu');
    for (let i = 0; i < STEPS; i++) expect(webgpu[i], `step ${i} on ${adapter.name}`).toBeCloseTo(cpu[i], 3);
  });
});
