import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { selectBackend } from '../../../electron/ml/engine';
import { conv2dBiasReluTrainable } from '../../../electron/ml/engine/model/convBiasRelu';
import { reluGradFromOutput } from '../../../electron/ml/engine/model/relu6';
import { withSimdKernels } from '../../fixtures/simdKernels';

const N = 2;
const H = 9;
const W = 7;
const CI = 5;
const CO = 6;
const wave = (length: number, k: number, scale: number) => Float32Array.from({ length }, (_, i) => Math.sin(i * k + 0.3) * scale);
const X = wave(N * H * W * CI, 0.37, 1);
const F = wave(3 * 3 * CI * CO, 0.91, 0.4);
// Biases on both sides of 0, so that some outputs are clipped and some are not.
const B = wave(CO, 1.7, 0.3);

interface Result {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array;
}

/** Value and gradients of Σ probe ⊙ f(x, w, b) for the fused op or TF.js's unfused ops. */
async function run(fused: boolean, stride: number, inputGrad = true): Promise<Result> {
  const x = tf.tensor4d(X, [N, H, W, CI]);
  const w = tf.tensor4d(F, [3, 3, CI, CO]);
  const b = tf.tensor1d(B);
  const f = (a: tf.Tensor4D, k: tf.Tensor4D, c: tf.Tensor1D) =>
    fused ? conv2dBiasReluTrainable(a, k, c, stride, inputGrad) : tf.relu(tf.add(tf.conv2d(a, k, stride, 'same'), c));
  const y = tf.tidy(() => f(x, w, b));
  const probe = tf.tensor4d(wave(y.size, 0.13, 1), y.shape as [number, number, number, number]);
  const { value, grads } = tf.valueAndGrads((a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, k as tf.Tensor4D, c as tf.Tensor1D), probe)))([x, w, b]);
  const out = {
    y: (await y.data()) as Float32Array,
    dx: (await grads[0].data()) as Float32Array,
    dw: (await grads[1].data()) as Float32Array,
    db: (await grads[2].data()) as Float32Array,
  };
  tf.dispose([x, w, b, y, probe, value, ...grads]);
  return out;
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(actual[i] - e))));
  expect(worst).toBeLessThan(tolerance);
}

describe('conv2dBiasReluTrainable', () => {
  it.each([1, 2])('equals relu(conv2d + bias) and its gradients (stride %i) on cpu, and on wasm with and without SIMD', async (stride) => {
    await selectBackend('cpu');
    const reference = await run(false, stride);
    const cpu = await run(true, stride);
    expect(reference.y.some((v) => v === 0) && reference.y.some((v) => v > 0)).toBe(true);
    for (const key of ['y', 'dx', 'dw', 'db'] as const) expectClose(cpu[key], reference[key], 1e-5);
    await selectBackend('wasm');
    for (const simd of [true, false]) {
      const before = tf.memory().numTensors;
      const wasm = await withSimdKernels(simd, () => run(true, stride));
      expect(tf.memory().numTensors).toBe(before);
      for (const key of ['y', 'dx', 'dw', 'db'] as const) expectClose(wasm[key], reference[key], 1e-4);
    }
  });

  it('skips the input gradient (zeros) where told no weight depends on the input', async () => {
    await selectBackend('wasm');
    const reference = await run(false, 1);
    const skipped = await run(true, 1, false);
    expect(skipped.dx.every((v) => v === 0)).toBe(true);
    expectClose(skipped.dw, reference.dw, 1e-4);
    expectClose(skipped.db, reference.db, 1e-4);
  });
});

describe('reluGradFromOutput', () => {
  it.each([true, false])('passes dy where 0 < y (ReLU, hi = ∞) on wasm as on cpu (SIMD %s)', async (simd) => {
    const y = Float32Array.from({ length: 103 }, (_, i) => (i % 5 === 0 ? 0 : Math.sin(i) * 1e6));
    const dy = Float32Array.from({ length: 103 }, (_, i) => i + 1);
    const grad = async () => {
      const [a, b] = [tf.tensor1d(dy), tf.tensor1d(y)];
      const g = reluGradFromOutput(a, b, Infinity);
      const out = (await g.data()) as Float32Array;
      tf.dispose([a, b, g]);
      return out;
    };
    await selectBackend('cpu');
    const cpu = await grad();
    expect([...cpu]).toEqual([...y.map((v, i) => (v > 0 ? dy[i] : 0))]);
    await selectBackend('wasm');
    expect([...(await withSimdKernels(simd, grad))]).toEqual([...cpu]);
  });
});
