import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend, wasmThreadCount } from '../../../electron/ml/engine';
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

  it('both binaries (shared and unshared memory) compile and run', async () => {
    const { shared, unshared } = await compileSimdKernels();
    for (const [bytes, isShared] of [[shared, true], [unshared, false]] as const) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: isShared });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: { memory } });
      new Float32Array(memory.buffer, 0, 4).set([0, 1, -1, 2]);
      (exports.exp4_probe as (x: number, out: number) => void)(0, 16);
      expect([...new Float32Array(memory.buffer, 16, 4)].map((v) => +v.toFixed(5))).toEqual([1, 2.71828, 0.36788, 7.38906]);
    }
  });

  it('starts its helper thread on the threaded build', async () => {
    const backend = tf.backend() as unknown as WasmBackend;
    if (wasmThreadCount() < 2) return; // a one-CPU machine runs the single-threaded build: no shared heap
    expect(simdKernels(backend)!.helper()).not.toBeNull();
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
