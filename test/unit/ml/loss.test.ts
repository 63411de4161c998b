import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { medianFrequencyWeights, selectBackend, softmaxCrossEntropyIgnore } from '../../../electron/ml/engine';
import { weightedNll } from '../../../electron/ml/engine/backends/wasmLossKernel';
import { withSimdKernels } from '../../fixtures/simdKernels';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** Reference: mean over labeled pixels of w_y·(−log softmax(x)_y) / Σ w_y, in plain JS. */
function referenceLoss(logits: number[][], labels: number[], weights?: number[]): number {
  let num = 0;
  let den = 0;
  logits.forEach((row, i) => {
    const y = labels[i];
    if (y === 255) return;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    const w = weights ? weights[y] : 1;
    num += w * (lse - row[y]);
    den += w;
  });
  return num / den;
}

describe('softmax cross-entropy ignoring 255', () => {
  const logitRows = [
    [2, 0, -1],
    [0.5, 0.5, 3],
    [-2, 1, 0],
    [10, -10, 0],
  ];
  const logits = () => tf.tensor4d(logitRows.flat(), [1, 2, 2, 3]);

  it('ignores 255 in the loss', async () => {
    const labels = [0, 255, 1, 255];
    const loss = softmaxCrossEntropyIgnore(logits(), tf.tensor3d(labels, [1, 2, 2], 'int32'));
    expect((await loss.data())[0]).toBeCloseTo(referenceLoss(logitRows, labels), 5);
    // Changing the logits of an ignored pixel changes nothing.
    const changed = logitRows.map((r) => r.slice());
    changed[3] = [-50, 50, 7];
    const loss2 = softmaxCrossEntropyIgnore(tf.tensor4d(changed.flat(), [1, 2, 2, 3]), tf.tensor3d(labels, [1, 2, 2], 'int32'));
    expect((await loss2.data())[0]).toBeCloseTo((await loss.data())[0], 6);
  });

  it('gives ignored pixels a zero gradient and labeled ones softmax − one-hot over the count', async () => {
    const labels = tf.tensor3d([0, 255, 1, 255], [1, 2, 2], 'int32');
    const g = tf.grad((x: tf.Tensor) => softmaxCrossEntropyIgnore(x as tf.Tensor4D, labels))(logits());
    const grad = await g.data();
    expect(Array.from(grad.slice(3, 6), Math.abs)).toEqual([0, 0, 0]);
    expect(Array.from(grad.slice(9, 12), Math.abs)).toEqual([0, 0, 0]);
    const p = tf.softmax(tf.tensor1d(logitRows[0])).dataSync();
    expect(grad[0]).toBeCloseTo((p[0] - 1) / 2, 6);
    expect(grad[1]).toBeCloseTo(p[1] / 2, 6);
    // Matches automatic differentiation of the plain formula.
    const auto = tf.grad((x: tf.Tensor) => {
      const lp = tf.logSoftmax(x);
      const oh = tf.oneHot(tf.tensor3d([0, 0, 1, 0], [1, 2, 2], 'int32'), 3);
      const mask = tf.tensor3d([1, 0, 1, 0], [1, 2, 2]);
      return tf.div(tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(oh, lp), -1)), mask)), 2);
    })(logits());
    const a = await auto.data();
    for (let i = 0; i < a.length; i++) expect(grad[i]).toBeCloseTo(a[i], 6);
  });

  it('weights classes as PyTorch does (Σ w_y·nll / Σ w_y)', async () => {
    const labels = [0, 2, 1, 0];
    const weights = [0.5, 2, 1];
    const loss = softmaxCrossEntropyIgnore(logits(), tf.tensor3d(labels, [1, 2, 2], 'int32'), tf.tensor1d(weights));
    expect((await loss.data())[0]).toBeCloseTo(referenceLoss(logitRows, labels, weights), 5);
  });

  it('is zero, not NaN, when every pixel is unlabeled', async () => {
    const loss = softmaxCrossEntropyIgnore(logits(), tf.fill([1, 2, 2], 255, 'int32') as tf.Tensor3D);
    expect((await loss.data())[0]).toBe(0);
  });

  it('median-frequency weights: median / frequency, absent classes 0', () => {
    const w = medianFrequencyWeights([100, 300, 0, 600]);
    // frequencies 0.1, 0.3, 0.6 → median 0.3
    expect(Array.from(w).map((v) => +v.toFixed(6))).toEqual([3, 1, 0, 0.5]);
  });
});

describe('weightedNll (the loss from the kernel’s per-pixel sums)', () => {
  it('sums ln z − t over labeled pixels as a per-pixel loop does, blocks of products never overflowing, even at 255 classes with every z at its largest', () => {
    for (const [classes, pixels] of [[11, 10_000], [255, 5_000], [2, 3]] as const) {
      const zt = new Float32Array(2 * pixels);
      const labels = new Int32Array(pixels);
      for (let p = 0; p < pixels; p++) {
        zt[p] = p % 3 === 0 ? classes : 1 + ((p * 37) % 1000) / 1000 * (classes - 1);
        zt[pixels + p] = -((p * 13) % 7) / 3;
        labels[p] = p % 11 === 0 ? 255 : p % classes;
      }
      let want = 0;
      for (let p = 0; p < pixels; p++) if (labels[p] !== 255) want += Math.log(zt[p]) - zt[pixels + p];
      const got = weightedNll(zt, labels, new Float32Array(classes).fill(1), pixels, classes);
      expect(Number.isFinite(got)).toBe(true);
      expect(Math.abs(got - want) / Math.abs(want)).toBeLessThan(1e-12);
    }
  });
});

describe('the one-pass loss kernel (wasm)', () => {
  async function lossAndGrad(logits: Float32Array, labels: Int32Array, shape: [number, number, number, number], weights: Float32Array | null) {
    const x = tf.tensor4d(logits, shape);
    const y = tf.tensor3d(labels, shape.slice(0, 3) as [number, number, number], 'int32');
    const w = weights ? tf.tensor1d(weights) : null;
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => tf.mul(softmaxCrossEntropyIgnore(a as tf.Tensor4D, y, w), 2.5))([x]);
    const out = { loss: (await value.data())[0], grad: (await grads[0].data()) as Float32Array };
    tf.dispose([x, y, value, ...grads, ...(w ? [w] : [])]);
    return out;
  }

  // Small: one thread; large: half of the pixels on the SIMD helper thread. 'js' is the path used
  // where the SIMD module cannot load.
  it.each([
    ['SIMD', [2, 5, 7, 6]],
    ['SIMD, 11 classes (3 past the last group of 4)', [2, 5, 7, 11]],
    ['SIMD, 3 classes (fewer than 4)', [2, 5, 7, 3]],
    ['SIMD on two threads', [2, 64, 48, 21]],
    ['js', [2, 5, 7, 6]],
  ] as const)('%s: gives the loss and the gradient of the op-by-op version, with weights, ignored pixels and an upstream gradient', async (path, shape4) => {
    const shape = shape4.slice() as [number, number, number, number];
    const classes = shape[3];
    const count = shape[0] * shape[1] * shape[2];
    const logits = Float32Array.from({ length: count * classes }, (_, i) => Math.sin(i * 1.7) * 4);
    const labels = Int32Array.from({ length: count }, (_, i) => (i % 5 === 0 ? 255 : (i * 7) % classes));
    const weights = Float32Array.from({ length: classes }, (_, k) => [0.5, 2, 1, 0, 3, 1.5][k % 6]);
    await withSimdKernels(path !== 'js', () => checkAgainstOpByOp(logits, labels, shape, weights, count));
  });

  async function checkAgainstOpByOp(logits: Float32Array, labels: Int32Array, shape: [number, number, number, number], weights: Float32Array, count: number) {
    const classes = shape[3];
    for (const w of [null, weights]) {
      await selectBackend('cpu');
      const reference = await lossAndGrad(logits, labels, shape, w);
      await selectBackend('wasm');
      const before = tf.memory().numTensors;
      const fused = await lossAndGrad(logits, labels, shape, w);
      expect(tf.memory().numTensors).toBe(before);
      expect(fused.loss).toBeCloseTo(reference.loss, 5);
      fused.grad.forEach((g, i) => expect(Math.abs(g - reference.grad[i])).toBeLessThan(1e-6));
      for (let p = 0; p < count; p += 5) expect([...fused.grad.subarray(p * classes, (p + 1) * classes)].every((g) => g === 0)).toBe(true);
    }
    await selectBackend('cpu');
  }

  it('is 0 with a zero gradient when every pixel is ignored, and refuses a label outside the classes', async () => {
    await selectBackend('wasm');
    const ignored = await lossAndGrad(new Float32Array(12).fill(1), new Int32Array(4).fill(255), [1, 2, 2, 3], null);
    expect(ignored.loss).toBe(0);
    expect([...ignored.grad].every((g) => g === 0)).toBe(true);
    await expect(lossAndGrad(new Float32Array(12), Int32Array.from([0, 1, 7, 255]), [1, 2, 2, 3], null)).rejects.toThrow(/label 7 is outside the 3 classes/);
    await selectBackend('cpu');
  });
});
