import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { selectBackend } from '../../../electron/ml/engine';
import { setSimdConvForward, setSimdFilterGrad, setSimdInputGrad } from '../../../electron/ml/engine/backends/wasmKernels';
import { withSimdKernels } from '../../fixtures/simdKernels';

type Case = { x: [number, number, number, number]; k: [number, number, number, number]; stride: number; pad: 'same' | 'valid' | number };

const cases: Case[] = [
  { x: [2, 9, 7, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [1, 8, 8, 5], k: [3, 3, 5, 2], stride: 2, pad: 'same' },
  { x: [2, 11, 10, 4], k: [7, 7, 4, 6], stride: 1, pad: 'same' }, // fc6-style
  { x: [2, 6, 5, 8], k: [1, 1, 8, 3], stride: 1, pad: 'valid' },
  { x: [1, 10, 9, 2], k: [3, 3, 2, 3], stride: 1, pad: 'valid' },
  { x: [1, 12, 12, 3], k: [4, 4, 3, 2], stride: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], k: [5, 5, 3, 2], stride: 3, pad: 1 },
  // Large enough that the filter gradient reads shifted views of one padded buffer, not copies.
  { x: [2, 40, 36, 5], k: [3, 3, 5, 7], stride: 1, pad: 'same' },
  { x: [1, 33, 47, 4], k: [3, 3, 4, 3], stride: 1, pad: 'valid' },
  { x: [2, 30, 30, 3], k: [5, 5, 3, 4], stride: 1, pad: 2 },
  // The SIMD filter gradient's edge tiles: channel counts off the 4 × 8 grid, 1×1, one image,
  // three images, and a padding wider than the kernel (rows and columns no tap reaches).
  { x: [1, 9, 11, 21], k: [2, 2, 21, 13], stride: 1, pad: 'valid' },
  { x: [2, 17, 9, 6], k: [3, 3, 6, 12], stride: 1, pad: 'same' },
  { x: [3, 5, 6, 7], k: [1, 1, 7, 21], stride: 1, pad: 'valid' },
  { x: [1, 5, 5, 3], k: [3, 3, 3, 5], stride: 1, pad: 3 },
  // Big enough for the helper thread: half of the positions (10 columns), half of the columns (21).
  { x: [2, 70, 40, 9], k: [3, 3, 9, 10], stride: 1, pad: 'same' },
  { x: [2, 40, 30, 8], k: [3, 3, 8, 21], stride: 1, pad: 'same' },
  // The input gradient's helper split by images (fewer than 16 input channels) and by channels.
  { x: [2, 48, 40, 6], k: [3, 3, 6, 32], stride: 1, pad: 'same' },
  { x: [1, 40, 36, 24], k: [3, 3, 24, 20], stride: 1, pad: 'same' },
  // The same two splits with stride 2 and a padding of 1 (taps reaching above and left of the image).
  { x: [2, 80, 80, 9], k: [3, 3, 9, 10], stride: 2, pad: 1 },
  { x: [2, 61, 51, 8], k: [3, 3, 8, 21], stride: 2, pad: 1 },
  // Strided with a large output: copied windows, one product per tap (not stacked).
  { x: [2, 100, 90, 3], k: [3, 3, 3, 2], stride: 2, pad: 'same' },
];

/** Both gradients of a convolution, on whichever backend is active. */
async function convGrads(c: Case): Promise<{ dx: Float32Array; dw: Float32Array }> {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
  const k = tf.randomNormal(c.k, 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.conv2d(x, k, c.stride, c.pad);
  const probe = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), probe)))([x, k]);
  const out = { dx: (await dx.data()) as Float32Array, dw: (await dw.data()) as Float32Array };
  tf.dispose([x, k, y, probe, dx, dw]);
  return out;
}

describe('wasm training kernels', () => {
  it.each([
    ['our SIMD kernels', true],
    ['XNNPACK products and convolutions (used where the SIMD module cannot load)', false],
  ])('Conv2DBackpropFilter and Conv2DBackpropInput by %s match the cpu backend', async (_, simd) => {
    await selectBackend('cpu');
    const expected = [];
    for (const c of cases) expected.push(await convGrads(c));
    await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    setSimdFilterGrad(simd);
    setSimdInputGrad(simd);
    setSimdConvForward(simd);
    try {
      for (let i = 0; i < cases.length; i++) {
        const got = await convGrads(cases[i]);
        for (const key of ['dx', 'dw'] as const) {
          const a = got[key];
          const b = expected[i][key];
          expect(a.length).toBe(b.length);
          let worst = 0;
          for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]) / (1 + Math.abs(b[j])));
          // Sums of up to 4,500 products: fused multiply-adds (one rounding, not two) and a
          // different order of summation than the cpu backend's move the last digits.
          expect(worst, `case ${i} ${key}`).toBeLessThan(2e-4);
        }
      }
    } finally {
      setSimdFilterGrad(true);
      setSimdInputGrad(true);
      setSimdConvForward(true);
    }
  });

  it('Conv2D and FusedConv2D (bias, ReLU) by our stride-1 SIMD convolution match the cpu backend', async () => {
    type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
    const forwardCases: { x: [number, number, number, number]; k: [number, number, number, number]; pad: Pad; bias: boolean; relu: boolean }[] = [
      // Tile edges: widths leaving 1–3 positions after the 4-wide tiles, output channels off the 8/4 grid.
      { x: [2, 9, 7, 3], k: [3, 3, 3, 11], pad: 'same', bias: true, relu: true },
      { x: [1, 6, 10, 5], k: [3, 3, 5, 13], pad: 'same', bias: true, relu: false },
      { x: [3, 5, 9, 8], k: [3, 3, 8, 8], pad: 'valid', bias: false, relu: true },
      { x: [1, 7, 6, 4], k: [1, 1, 4, 21], pad: 'valid', bias: true, relu: false },
      // The upsamplers' 2 × 2 phases with asymmetric explicit padding, and padding wider than the image.
      { x: [2, 6, 6, 11], k: [2, 2, 11, 44], pad: [[0, 0], [1, 0], [0, 1], [0, 0]], bias: false, relu: false },
      { x: [1, 2, 2, 5], k: [3, 3, 5, 4], pad: [[0, 0], [2, 2], [2, 2], [0, 0]], bias: true, relu: true },
      { x: [1, 1, 3, 6], k: [3, 3, 6, 8], pad: 'same', bias: true, relu: false },
      // Enough multiply-adds for the helper thread (rows split between threads).
      { x: [2, 40, 37, 16], k: [3, 3, 16, 24], pad: 'same', bias: true, relu: true },
      // Larger filters (fc6's 7 × 7) as the transpose's input gradient; into channels off the
      // multiple of 4, XNNPACK.
      { x: [2, 6, 6, 8], k: [7, 7, 8, 12], pad: 'same', bias: true, relu: true },
      { x: [1, 9, 7, 12], k: [5, 5, 12, 16], pad: 'valid', bias: false, relu: false },
      { x: [2, 6, 5, 6], k: [7, 7, 6, 4], pad: 'same', bias: true, relu: false },
    ];
    const run = async () => {
      const out: Float32Array[] = [];
      for (const [i, c] of forwardCases.entries()) {
        const x = tf.randomNormal(c.x, 0, 1, 'float32', 10 + i) as tf.Tensor4D;
        const k = tf.randomNormal(c.k, 0, 1, 'float32', 30 + i) as tf.Tensor4D;
        const bias = c.bias ? (tf.randomNormal([c.k[3]], 0, 1, 'float32', 50 + i) as tf.Tensor1D) : undefined;
        const fused = tf.fused.conv2d({ x, filter: k, strides: 1, pad: c.pad, bias, activation: c.relu ? 'relu' : 'linear' });
        const plain = tf.conv2d(x, k, 1, c.pad);
        out.push((await fused.data()) as Float32Array, (await plain.data()) as Float32Array);
        tf.dispose([x, k, fused, plain, ...(bias ? [bias] : [])]);
      }
      return out;
    };
    await selectBackend('cpu');
    const expected = await run();
    await selectBackend('wasm');
    const got = await run();
    for (let i = 0; i < expected.length; i++) {
      expect(got[i].length, `output ${i}`).toBe(expected[i].length);
      let worst = 0;
      for (let j = 0; j < got[i].length; j++) worst = Math.max(worst, Math.abs(got[i][j] - expected[i][j]) / (1 + Math.abs(expected[i][j])));
      expect(worst, `case ${i >> 1} ${i % 2 ? 'Conv2D' : 'FusedConv2D'}`).toBeLessThan(1e-5);
    }
  });

  it('heap-copy Slice and SplitV match the cpu backend (ranks 1–5, float32/int32/bool)', async () => {
    const cases: { shape: number[]; begin: number[]; size: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
      { shape: [10], begin: [3], size: [4], dtype: 'float32' },
      { shape: [6, 7], begin: [2, 0], size: [3, 7], dtype: 'float32' },
      { shape: [6, 7], begin: [1, 2], size: [4, 3], dtype: 'int32' },
      { shape: [3, 4, 5], begin: [1, 1, 2], size: [2, 3, 3], dtype: 'bool' },
      { shape: [2, 5, 6, 3], begin: [0, 1, 2, 0], size: [2, 3, 4, 3], dtype: 'float32' },
      { shape: [2, 3, 4, 5, 6], begin: [1, 0, 1, 2, 3], size: [1, 3, 2, 3, 2], dtype: 'int32' },
    ];
    const run = async () => {
      const out: number[][] = [];
      for (const c of cases) {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const values = c.dtype === 'bool' ? Array.from({ length: n }, (_, i) => i % 3 === 0) : Array.from({ length: n }, (_, i) => i * 1.5 - 7);
        const x = tf.tensor(values, c.shape, c.dtype);
        const y = tf.slice(x, c.begin, c.size);
        out.push(Array.from(await y.data()));
        const parts = tf.split(x, [1, c.shape[c.shape.length - 1] - 1], -1);
        for (const p of parts) out.push(Array.from(await p.data()));
        tf.dispose([x, y, ...parts]);
      }
      return out;
    };
    await selectBackend('cpu');
    const expected = await run();
    await selectBackend('wasm');
    expect(await run()).toEqual(expected);
  });

  it.each([true, false])('max-pool gradient matches the cpu backend (valid, same, overlapping windows; SIMD kernels %s)', async (simd) => {
    const cases: { shape: [number, number, number, number]; size: number; stride: number; pad: 'valid' | 'same'; ties?: boolean }[] = [
      { shape: [2, 8, 6, 3], size: 2, stride: 2, pad: 'valid' },
      // The SIMD 2×2 kernel: channels a multiple of 4, even and odd sizes, and ties (first maximum wins).
      { shape: [2, 8, 6, 8], size: 2, stride: 2, pad: 'valid' },
      { shape: [1, 9, 7, 4], size: 2, stride: 2, pad: 'valid' },
      { shape: [2, 6, 6, 12], size: 2, stride: 2, pad: 'valid', ties: true },
      { shape: [1, 7, 9, 2], size: 3, stride: 2, pad: 'same' },
      { shape: [2, 5, 5, 4], size: 3, stride: 1, pad: 'valid' },
    ];
    const run = async () => {
      const out: number[][] = [];
      for (const c of cases) {
        const noise = tf.randomNormal(c.shape, 0, 1, 'float32', 5);
        const x = c.ties ? tf.floor(tf.mul(noise, 0.7)) : noise;
        const y = tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad);
        const probe = tf.randomNormal(y.shape, 0, 1, 'float32', 6);
        const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.size, c.stride, c.pad), probe)))(x);
        out.push(Array.from(await dx.data()));
        tf.dispose([noise, x, y, probe, dx]);
      }
      return out;
    };
    await selectBackend('cpu');
    const expected = await run();
    await selectBackend('wasm');
    const got = await withSimdKernels(simd, run);
    got.forEach((g, i) => g.forEach((v, j) => expect(v, `case ${i} at ${j}`).toBeCloseTo(expected[i][j], 5)));
  });

  it.each([true, false])('sum over leading axes (bias gradients) matches the cpu backend; other sums still work (SIMD kernels %s)', async (simd) => {
    const run = async () => {
      const x = tf.randomNormal([3, 5, 4, 6], 1, 2, 'float32', 8);
      // Many rows: the float64 accumulation keeps a sum of 32,768 terms to float precision.
      const big = tf.randomNormal([2, 128, 128, 21], 1, 2, 'float32', 9);
      const sums = [
        tf.sum(big, [0, 1, 2]),
        tf.sum(x, [0, 1, 2]),
        tf.sum(x, [0, 1, 2], true),
        tf.sum(x, 0),
        tf.sum(x, [0, 1]),
        tf.sum(x),
        tf.sum(x, -1),
        tf.sum(x, [1, 2]),
      ];
      const out = await Promise.all(sums.map(async (t) => ({ shape: t.shape, values: Array.from(await t.data()) })));
      tf.dispose([x, big, ...sums]);
      return out;
    };
    await selectBackend('cpu');
    const expected = await run();
    await selectBackend('wasm');
    const got = await withSimdKernels(simd, run);
    got.forEach((g, i) => {
      expect(g.shape).toEqual(expected[i].shape);
      g.values.forEach((v, j) => expect(v).toBeCloseTo(expected[i].values[j], 3));
    });
  });

  it('Identity aliases instead of copying, and disposing the copy keeps the original', async () => {
    await selectBackend('wasm');
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    b.dispose();
    expect(Array.from(await a.data())).toEqual([1, 2, 3]);
    a.dispose();
  });

  it('runs XNNPACK on both cores (threaded build started from a file-based worker)', async () => {
    const choice = await selectBackend('wasm');
    expect(choice.threads).toBeGreaterThanOrEqual(Math.min(2, (await import('node:os')).availableParallelism()));
  });
});
