import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { selectBackend } from '../../../electron/ml/engine';

type Case = { x: [number, number, number, number]; k: [number, number, number, number]; stride: number; pad: 'same' | 'valid' | number };

const cases: Case[] = [
  { x: [2, 9, 7, 5], k: [3, 3, 5, 1], stride: 1, pad: 'same' }, // odd sizes, N > 1: the flipped-filter forward path
  { x: [2, 8, 8, 6], k: [3, 3, 6, 1], stride: 2, pad: 'same' }, // MobileNetV2's downsampling blocks
  { x: [1, 9, 11, 4], k: [3, 3, 4, 1], stride: 2, pad: 'same' }, // odd, strided: asymmetric 'same' padding
  { x: [3, 16, 12, 32], k: [3, 3, 32, 1], stride: 1, pad: 'same' },
  { x: [2, 10, 9, 3], k: [3, 3, 3, 1], stride: 1, pad: 'valid' },
  { x: [1, 7, 6, 3], k: [3, 3, 3, 2], stride: 1, pad: 'same' }, // channel multiplier 2: the loop path
  { x: [2, 12, 10, 4], k: [5, 5, 4, 1], stride: 3, pad: 1 },
];

/** Both gradients of a depthwise convolution, on whichever backend is active. */
async function depthwiseGrads(c: Case): Promise<{ dx: Float32Array; dw: Float32Array }> {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
  const k = tf.randomNormal(c.k, 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.depthwiseConv2d(x, k, c.stride, c.pad);
  const probe = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), probe));
  const [dx, dw] = tf.grads(f)([x, k]);
  const out = { dx: (await dx.data()) as Float32Array, dw: (await dw.data()) as Float32Array };
  tf.dispose([x, k, y, probe, dx, dw]);
  return out;
}

/** The gradients of MobileNetV2's fused depthwise layer (bias, ReLU6) as the model computes it. */
async function fusedGrads(): Promise<Float32Array[]> {
  const x = tf.randomNormal([2, 9, 10, 4], 0, 3, 'float32', 4) as tf.Tensor4D;
  const k = tf.randomNormal([3, 3, 4, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  const b = tf.randomNormal([4], 0, 1, 'float32', 6) as tf.Tensor1D;
  const f = (xi: tf.Tensor, ki: tf.Tensor, bi: tf.Tensor) =>
    tf.sum(tf.square(tf.fused.depthwiseConv2d({ x: xi as tf.Tensor4D, filter: ki as tf.Tensor4D, bias: bi, strides: 2, pad: 'same', activation: 'relu6' })));
  const grads = tf.grads(f)([x, k, b]);
  const out = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  tf.dispose([x, k, b, ...grads]);
  return out;
}

function worstRelative(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]) / (1 + Math.abs(b[j])));
  return worst;
}

describe('wasm depthwise convolution gradients', () => {
  it('DepthwiseConv2dNativeBackpropInput and -Filter match the cpu backend (stride 1 and 2, same/valid, odd sizes)', async () => {
    await selectBackend('cpu');
    const expected = [];
    for (const c of cases) expected.push(await depthwiseGrads(c));
    const expectedFused = await fusedGrads();
    await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeDefined();
    for (let i = 0; i < cases.length; i++) {
      const got = await depthwiseGrads(cases[i]);
      for (const key of ['dx', 'dw'] as const) {
        expect(got[key].length).toBe(expected[i][key].length);
        expect(worstRelative(got[key], expected[i][key]), `case ${i} ${key}`).toBeLessThan(1e-4);
      }
    }
    const fused = await fusedGrads();
    fused.forEach((g, i) => expect(worstRelative(g, expectedFused[i]), `fused grad ${i}`).toBeLessThan(1e-4));
  });

  it('leaks no tensors', async () => {
    await selectBackend('wasm');
    await depthwiseGrads(cases[0]);
    const before = tf.memory().numTensors;
    await depthwiseGrads(cases[0]);
    await depthwiseGrads(cases[1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
