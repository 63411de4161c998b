import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend } from '../../../electron/ml/engine';
import { BINARY_MODULE_PATH, binaryModuleText, compileSimdKernels } from '../../../electron/ml/engine/backends/simd/buildSimdKernels';
import { simdKernels } from '../../../electron/ml/engine/backends/simd/simdKernels';
import type { WasmBackend } from '../../../electron/ml/engine/backends/wasmHeap';

beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(async () => {
  await selectBackend('cpu');
});

describe('wasm SIMD kernels', () => {
  it('the committed binary is the compiled source (run `npm run build:simd` after editing simdKernelSource.ts)', async () => {
    expect(readFileSync(BINARY_MODULE_PATH, 'utf8')).toBe(binaryModuleText(await compileSimdKernels()));
  });

  it('loads on the wasm backend heap and computes e^x to float precision', () => {
    const backend = tf.backend() as unknown as WasmBackend;
    const simd = simdKernels(backend);
    expect(simd).not.toBeNull();
    const xs = [-100, -87, -30.5, -10, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 5, 20, 80];
    for (let i = 0; i < xs.length; i += 4) {
      const input = backend.makeOutput([4], 'float32');
      const output = backend.makeOutput([4], 'float32');
      const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
      const lanes = xs.slice(i, i + 4).concat([0, 0, 0]).slice(0, 4);
      new Float32Array(backend.wasm.wasmMemory!.buffer, offset(input), 4).set(lanes);
      simd!.exp4Probe(offset(input), offset(output));
      const got = new Float32Array(backend.wasm.wasmMemory!.buffer, offset(output), 4);
      lanes.forEach((x, k) => {
        const want = Math.exp(Math.max(x, -87.33654));
        expect(Math.abs(got[k] - want) / want, `exp(${x})`).toBeLessThan(5e-7);
      });
      backend.disposeData(input.dataId);
      backend.disposeData(output.dataId);
    }
  });
});
