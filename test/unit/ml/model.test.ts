import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { bilinearKernel, buildFcn, selectBackend } from '../../../electron/ml/engine';
import { PHASE_INTERLEAVE_KERNEL, upsampleByPhases } from '../../../electron/ml/engine/model/upsample';
import type { FcnConfig } from '../../../electron/ml/engine';

const tiny = (head: FcnConfig['head']): FcnConfig => ({ head, backbone: 'tiny', numClasses: 5, dropout: 0, seed: 3 });

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('FCN model', () => {
  it.each(['fcn32s', 'fcn16s', 'fcn8s'] as const)('%s gives logits the size of any input (odd sizes included)', (head) => {
    const model = buildFcn(tiny(head));
    for (const [h, w] of [
      [37, 53],
      [1, 1],
      [64, 33],
    ]) {
      const out = tf.tidy(() => model.forward(tf.zeros([2, h, w, 3]) as tf.Tensor4D));
      expect(out.shape).toEqual([2, h, w, 5]);
      out.dispose();
    }
    model.dispose();
  });

  it('builds the paper VGG16 FCN-8s layer shapes (fc6 7×7×512×4096, fc7 1×1×4096×4096)', () => {
    // Shapes only: the real 134M-parameter net is built in the bench, not here.
    const specs = buildFcn({ head: 'fcn8s', backbone: 'small', numClasses: 21, dropout: 0.5, seed: 1 });
    expect(specs.w('fc6/kernel').shape).toEqual([7, 7, 64, 256]);
    expect(specs.w('score_pool3/kernel').shape).toEqual([1, 1, 32, 21]);
    expect(specs.parameterCount()).toBe(1233895); // the PyTorch peer's fcn8s_small has 1.23 M
    specs.dispose();
  });

  it('bilinear kernel matches the Caffe/FCN formula', () => {
    const k4 = bilinearKernel(1, 4);
    const row = [0.25, 0.75, 0.75, 0.25];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(k4[i * 4 + j]).toBeCloseTo(row[i] * row[j], 7);
    const k3 = bilinearKernel(1, 3);
    expect(Array.from(k3)).toEqual([0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
    // Channels never mix: off-diagonal channel pairs are zero.
    const k2c = bilinearKernel(2, 4);
    expect(k2c[(1 * 4 + 1) * 4 + 0 * 2 + 1]).toBe(0);
    expect(k2c[(1 * 4 + 1) * 4 + 1 * 2 + 1]).toBeCloseTo(0.5625, 7);
  });

  it('initialises upsampling layers to bilinear and every score layer, skips included, to zero', async () => {
    const model = buildFcn(tiny('fcn8s'));
    const up = await model.w('upscore/kernel').data();
    expect(Array.from(up)).toEqual(Array.from(bilinearKernel(5, 16)));
    for (const name of ['score_fr', 'score_pool4', 'score_pool3']) {
      const w = await model.w(`${name}/kernel`).data();
      const b = await model.w(`${name}/bias`).data();
      expect(w.every((v) => v === 0)).toBe(true);
      expect(b.every((v) => v === 0)).toBe(true);
    }
    // Zero skips change nothing; once set they do (they are wired in).
    const x = tf.randomUniform([1, 64, 64, 3], 0, 255, 'float32', 7) as tf.Tensor4D;
    model.w('score_fr/bias').assign(tf.tensor1d([1, 2, 3, 4, 5]));
    const before = model.forward(x);
    const first = await before.data();
    // Away from the border, bilinear upsampling of a constant score is that constant.
    const centre = (32 * 64 + 32) * 5;
    expect(first[centre]).toBeCloseTo(1, 4);
    expect(first[centre + 4]).toBeCloseTo(5, 4);
    model.w('score_pool3/bias').assign(tf.tensor1d([1, 0, 0, 0, 0]));
    const after = model.forward(x);
    expect((await after.data())[centre]).toBeCloseTo(2, 4);
    tf.dispose([x, before, after]);
    model.dispose();
  });

  it('same seed gives the same weights; another seed different ones', async () => {
    const a = buildFcn(tiny('fcn8s'));
    const b = buildFcn(tiny('fcn8s'));
    const c = buildFcn({ ...tiny('fcn8s'), seed: 4 });
    const wa = await a.w('block2_conv1/kernel').data();
    expect(Array.from(await b.w('block2_conv1/kernel').data())).toEqual(Array.from(wa));
    expect(Array.from(await c.w('block2_conv1/kernel').data())).not.toEqual(Array.from(wa));
    [a, b, c].forEach((m) => m.dispose());
  });

  it.each([2, 8, 16, 32])('phase-decomposed upsampling ×%i equals the transposed convolution, gradients included', async (s) => {
    const x = tf.randomNormal([2, 3, 4, 3], 0, 1, 'float32', s) as tf.Tensor4D;
    const k = tf.randomNormal([2 * s, 2 * s, 3, 3], 0, 1, 'float32', s + 1) as tf.Tensor4D;
    const outShape: [number, number, number, number] = [2, 3 * s, 4 * s, 3];
    const probe = tf.randomNormal(outShape, 0, 1, 'float32', 11);
    const viaTranspose = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, s, 'same');
    const viaPhases = (a: tf.Tensor, b: tf.Tensor) => upsampleByPhases(a as tf.Tensor4D, b as tf.Tensor4D, s);
    // The paper's crop: full transposed conv, offset (k − s)/2.
    const full = tf.conv2dTranspose(x, k, [2, 2 * s + 2 * s, 3 * s + 2 * s, 3], s, 'valid');
    const paperCrop = tf.slice(full, [0, s / 2, s / 2, 0], outShape);
    const maxDiff = async (a: tf.Tensor, b: tf.Tensor) => (await tf.max(tf.abs(tf.sub(a, b))).data())[0];
    expect(await maxDiff(viaPhases(x, k), viaTranspose(x, k))).toBeLessThan(1e-4);
    expect(await maxDiff(paperCrop, viaTranspose(x, k))).toBeLessThan(1e-4);
    const g1 = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(viaTranspose(a, b), probe)))([x, k]);
    const g2 = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(viaPhases(a, b), probe)))([x, k]);
    expect(await maxDiff(g1[0], g2[0])).toBeLessThan(1e-3);
    expect(await maxDiff(g1[1], g2[1])).toBeLessThan(1e-3);
  });

  it.each([2, 8])('on wasm, the registered phase interleave (×%i) gives the layout ops\' values and gradients', async (s) => {
    const run = async () => {
      const x = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', s) as tf.Tensor4D;
      const k = tf.randomNormal([2 * s, 2 * s, 3, 4], 0, 1, 'float32', s + 1) as tf.Tensor4D;
      const probe = tf.randomNormal([2, 3 * s, 5 * s, 3], 0, 1, 'float32', 11);
      const y = upsampleByPhases(x, k, s);
      const [gx, gk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(upsampleByPhases(a as tf.Tensor4D, b as tf.Tensor4D, s), probe)))([x, k]);
      const out = [await y.data(), await gx.data(), await gk.data()].map((d) => Array.from(d as Float32Array));
      tf.dispose([x, k, probe, y, gx, gk]);
      return out;
    };
    const backend = tf.getBackend();
    await selectBackend('cpu');
    const expected = await run();
    await selectBackend('wasm');
    try {
      expect(tf.getKernel(PHASE_INTERLEAVE_KERNEL, 'wasm')).toBeDefined();
      const got = await run();
      for (let i = 0; i < 3; i++) {
        const worst = got[i].reduce((m, v, j) => Math.max(m, Math.abs(v - expected[i][j]) / (1 + Math.abs(expected[i][j]))), 0);
        expect(worst, ['value', 'dx', 'dk'][i]).toBeLessThan(1e-4);
      }
    } finally {
      await selectBackend(backend as Parameters<typeof selectBackend>[0]);
    }
  });
});
