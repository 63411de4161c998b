import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';

import { LeanAdam, selectBackend, softmaxCrossEntropyIgnore } from '../../../electron/ml/engine';
import type { WasmBackend } from '../../../electron/ml/engine/backends/wasmHeap';

afterAll(async () => {
  await selectBackend('cpu');
});

describe('the wasm heap running out (4 GB)', () => {
  it('makes our kernels, the optimiser and the package\'s kernels throw a clear error instead of writing at address 0, and recovers once memory is freed', async () => {
    await selectBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const logits = tf.randomNormal([1, 256, 256, 21]) as tf.Tensor4D;
    const labels = tf.zeros([1, 256, 256], 'int32') as tf.Tensor3D;
    const weight = tf.variable(tf.ones([2048, 1024]), true, 'oomTestWeight');
    const gradient = tf.onesLike(weight);
    const optimizer = new LeanAdam(1e-3);
    // Its moment slots exist before the heap fills (as after a first step).
    optimizer.applyGradients({ oomTestWeight: gradient });
    const before = (await weight.data())[0];
    // Fill the heap with untouched 256 MB blocks (malloc only: no pages written) until the
    // package's malloc returns 0, its out-of-memory answer (which makeOutput now turns into an error).
    const blocks: tf.TensorInfo[] = [];
    const fill = (floats: number) => {
      for (;;) {
        try {
          blocks.push(backend.makeOutput([floats], 'float32'));
        } catch (error) {
          expect(String(error)).toMatch(/wasm backend is out of memory/);
          return;
        }
      }
    };
    try {
      fill(64 * 2 ** 20);
      // Then whatever is left, in 4 MB blocks: the loss (5.5 MB) and the weight (8 MB) cannot fit.
      fill(2 ** 20);
      // Two 4 MB blocks back: room for the package's small tensors, not for the loss's 5.5 MB
      // gradient or the weight's 8 MB update (near the top of the 4 GB, malloc may hand out a block
      // that runs past the end of memory: also reported as full).
      for (const at of [blocks.length - 1, blocks.length - 3]) backend.disposeData(blocks.splice(at, 1)[0].dataId);
      expect(() => softmaxCrossEntropyIgnore(logits, labels)).toThrow(/wasm backend is out of memory: \d+ MB more do not fit/);
      expect(() => optimizer.applyGradients({ oomTestWeight: gradient })).toThrow(/out of memory/);
      // The package's own kernels too (a 5.5 MB copy).
      expect(() => tf.add(logits, 1)).toThrow(/wasm backend is out of memory/);
    } finally {
      for (const block of blocks) backend.disposeData(block.dataId);
    }
    // Memory back: the same calls work and the weight is intact until updated.
    expect((await weight.data())[0]).toBe(before);
    const loss = softmaxCrossEntropyIgnore(logits, labels);
    expect(Number.isFinite((await loss.data())[0])).toBe(true);
    optimizer.applyGradients({ oomTestWeight: gradient });
    expect((await weight.data())[0]).toBeLessThan(before);
    tf.dispose([logits, labels, weight, gradient, loss]);
    optimizer.dispose();
  });
});
