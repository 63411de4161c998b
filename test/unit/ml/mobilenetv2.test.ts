import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type FcnConfig,
  type LayerOps,
  backbones,
  buildFcn,
  createOptimizer,
  loadCheckpoint,
  mobilenetV2ParamSpecs,
  saveCheckpoint,
  selectBackend,
  trainStep,
} from '../../../electron/ml/engine';
import { syntheticBatch } from './syntheticSegmentation';

const config: FcnConfig = { head: 'fcn8s', backbone: 'mobilenetv2', numClasses: 3, dropout: 0, seed: 2 };

/** Keras MobileNetV2(alpha=1, include_top=False): 2,257,984 parameters, of which 34,112 BN moving statistics (17,056 BN channels). */
const KERAS_PARAMS = 2_257_984;
const KERAS_BN_CHANNELS = 17_056;

let dir = '';
beforeAll(async () => {
  await selectBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'fcn-mobilenetv2-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Layer ops over shapes only: the backbone's forward pass traced without tensors. */
const shapeOps: LayerOps<number[]> = {
  conv: ([n, h, w], layer, _activation, stride = 1) => {
    const kernel = mobilenetV2ParamSpecs().find((s) => s.name === `${layer}/kernel`)!;
    return [n, Math.ceil(h / stride), Math.ceil(w / stride), kernel.shape[3]];
  },
  depthwiseConv: ([n, h, w, c], _layer, _activation, stride) => [n, Math.ceil(h / stride), Math.ceil(w / stride), c],
  maxPool: ([n, h, w, c]) => [n, h / 2, w / 2, c],
  add: (a, b) => {
    expect(a).toEqual(b);
    return a;
  },
  dropout: (x) => x,
};

describe('MobileNetV2 backbone', () => {
  it('has the Keras layer names and shapes, BatchNorm folded: 2,206,816 weights (Keras: 2,257,984 with BN)', () => {
    const specs = mobilenetV2ParamSpecs();
    const shapes = new Map(specs.map((s) => [s.name, s.shape]));
    expect(shapes.get('Conv1/kernel')).toEqual([3, 3, 3, 32]);
    expect(shapes.get('Conv1/bias')).toEqual([32]);
    expect(shapes.get('expanded_conv_depthwise/depthwise_kernel')).toEqual([3, 3, 32, 1]);
    expect(shapes.get('expanded_conv_project/kernel')).toEqual([1, 1, 32, 16]);
    expect(shapes.has('expanded_conv_expand/kernel')).toBe(false);
    expect(shapes.get('block_1_expand/kernel')).toEqual([1, 1, 16, 96]);
    expect(shapes.get('block_1_depthwise/depthwise_kernel')).toEqual([3, 3, 96, 1]);
    expect(shapes.get('block_16_expand/kernel')).toEqual([1, 1, 160, 960]);
    expect(shapes.get('block_16_project/kernel')).toEqual([1, 1, 960, 320]);
    expect(shapes.get('Conv_1/kernel')).toEqual([1, 1, 320, 1280]);
    expect(shapes.get('Conv_1/bias')).toEqual([1280]);
    for (let n = 1; n <= 16; n++) {
      for (const w of ['expand/kernel', 'expand/bias', 'depthwise/depthwise_kernel', 'depthwise/bias', 'project/kernel', 'project/bias']) {
        expect(shapes.has(`block_${n}_${w}`), `block_${n}_${w}`).toBe(true);
      }
    }
    expect(specs.length).toBe(2 + 4 + 16 * 6 + 2);
    const total = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
    // Each BN channel (γ, β, mean, variance) becomes one bias value.
    expect(total).toBe(KERAS_PARAMS - 3 * KERAS_BN_CHANNELS);
    expect(total).toBe(2_206_816);
  });

  it('gives stride-32 features of 1280 channels and skips at stride 16 (block_12, 96) and 8 (block_5, 32)', () => {
    const { out, skips } = backbones.mobilenetv2.features([2, 64, 96, 3], shapeOps);
    expect(out).toEqual([2, 2, 3, 1280]);
    expect(skips.pool4).toEqual([2, 4, 6, 96]);
    expect(skips.pool3).toEqual([2, 8, 12, 32]);
    expect(backbones.mobilenetv2.outChannels).toBe(1280);
    expect(backbones.mobilenetv2.skipChannels).toEqual({ pool4: 96, pool3: 32 });
  });

  it('builds an FCN-8s whose logits have the size of the input; the frozen stage covers every backbone weight', () => {
    const model = buildFcn(config);
    for (const [h, w] of [
      [64, 96],
      [70, 50],
    ]) {
      const out = tf.tidy(() => model.forward(tf.randomUniform([2, h, w, 3], 0, 255, 'float32', 1) as tf.Tensor4D));
      expect(out.shape).toEqual([2, h, w, 3]);
      out.dispose();
    }
    const frozen = model.backboneWeightNames();
    expect(new Set(frozen)).toEqual(new Set(mobilenetV2ParamSpecs().map((s) => s.name)));
    expect(model.parameterCount() - frozen.reduce((sum, n) => sum + model.w(n).size, 0)).toBe(
      (1280 + 96 + 32 + 3) * 3 + 3 * 3 * (4 * 4 + 4 * 4 + 16 * 16),
    );
    model.dispose();
  });

  it('starts each residual block as the identity (zero projection) and the others He-initialised', async () => {
    const model = buildFcn(config);
    expect((await model.w('block_2_project/kernel').data()).every((v) => v === 0)).toBe(true);
    expect((await model.w('block_3_project/kernel').data()).some((v) => v !== 0)).toBe(true);
    expect((await model.w('block_16_project/kernel').data()).some((v) => v !== 0)).toBe(true);
    const dw = (await model.w('block_1_depthwise/depthwise_kernel').data()) as Float32Array;
    const std = Math.sqrt(dw.reduce((a, v) => a + v * v, 0) / dw.length);
    expect(std).toBeGreaterThan(0.8 * Math.sqrt(2 / 9));
    expect(std).toBeLessThan(1.2 * Math.sqrt(2 / 9));
    model.dispose();
  });

  it('round-trips through a checkpoint with the same logits', async () => {
    const model = buildFcn({ ...config, seed: 9 });
    // Non-zero score layers, so the logits depend on every weight.
    for (const name of ['score_fr', 'score_pool4', 'score_pool3']) {
      const w = model.w(`${name}/kernel`);
      w.assign(tf.randomNormal(w.shape, 0, 0.1, 'float32', 3));
    }
    const x = tf.randomUniform([1, 64, 64, 3], 0, 255, 'float32', 5) as tf.Tensor4D;
    const before = model.forward(x);
    const path = join(dir, 'ckpt');
    await saveCheckpoint(path, model, { epoch: 1 });
    const loaded = await loadCheckpoint(path);
    expect(loaded.manifest.modelConfig).toEqual({ ...config, seed: 9 });
    const after = loaded.model.forward(x);
    expect(Array.from(await after.data())).toEqual(Array.from(await before.data()));
    expect(Math.max(...(await tf.abs(before).data()))).toBeGreaterThan(0.01);
    tf.dispose([x, before, after]);
    model.dispose();
    loaded.model.dispose();
  });

  it('gives the same logits on wasm (fused depthwise + ReLU6 kernels) as on cpu', async () => {
    const run = async () => {
      const model = buildFcn({ ...config, seed: 4 });
      for (const name of ['score_fr', 'score_pool4', 'score_pool3']) {
        const w = model.w(`${name}/kernel`);
        w.assign(tf.randomNormal(w.shape, 0, 0.1, 'float32', 6));
      }
      const x = tf.randomUniform([2, 70, 50, 3], 0, 255, 'float32', 8) as tf.Tensor4D;
      const y = model.forward(x);
      const out = (await y.data()) as Float32Array;
      tf.dispose([x, y]);
      model.dispose();
      return out;
    };
    const expected = await run();
    await selectBackend('wasm');
    const got = await run();
    await selectBackend('cpu');
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]) / (1 + Math.abs(expected[i])));
    expect(worst).toBeLessThan(1e-4);
  });

  it('trains on wasm: a few Adam steps on synthetic data reduce the loss', async () => {
    await selectBackend('wasm');
    const model = buildFcn(config);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
    const batch = syntheticBatch(2, 64, 11);
    const losses: number[] = [];
    for (let i = 0; i < 8; i++) losses.push(await trainStep(model, optimizer, batch));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    model.dispose();
    optimizer.dispose();
    await selectBackend('cpu');
  }, 60_000);
});
