import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { selectBackend } from '../../../electron/ml/engine';
import { RELU_GRAD_KERNEL, relu6Trainable } from '../../../electron/ml/engine/model/relu6';
import { withSimdKernels } from '../../fixtures/simdKernels';

/** Values on both sides of 0 and 6, never exactly on them (where the subgradient is a choice); 270 of them, so the SIMD kernel's scalar tail runs too. */
const X = Float32Array.from({ length: 3 * 5 * 6 * 3 }, (_, i) => ((i * 37) % 101) / 6 - 4.05);

async function valueAndGrad(): Promise<{ y: Float32Array; dx: Float32Array }> {
  const x = tf.tensor4d(X, [3, 5, 6, 3]);
  const probe = tf.tensor4d(Float32Array.from(X, (_, i) => 1 + (i % 7)), [3, 5, 6, 3]);
  const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => tf.sum(tf.mul(relu6Trainable(a), probe)))([x]);
  const y = relu6Trainable(x);
  const out = { y: (await y.data()) as Float32Array, dx: (await grads[0].data()) as Float32Array };
  tf.dispose([x, probe, value, y, ...grads]);
  return out;
}

describe('relu6Trainable', () => {
  it.each([true, false])('is ReLU6 with gradient dy where 0 < x < 6, on cpu and on wasm (its one-pass kernel; SIMD %s)', async (simd) => {
    await selectBackend('cpu');
    const cpu = await valueAndGrad();
    X.forEach((x, i) => {
      expect(cpu.y[i]).toBeCloseTo(Math.min(Math.max(x, 0), 6), 6);
      expect(cpu.dx[i]).toBe(x > 0 && x < 6 ? 1 + (i % 7) : 0);
    });
    await selectBackend('wasm');
    expect(tf.getKernel(RELU_GRAD_KERNEL, 'wasm')).toBeDefined();
    const before = tf.memory().numTensors;
    const wasm = await withSimdKernels(simd, valueAndGrad);
    expect(tf.memory().numTensors).toBe(before);
    expect([...wasm.y]).toEqual([...cpu.y]);
    expect([...wasm.dx]).toEqual([...cpu.dx]);
  });
});
