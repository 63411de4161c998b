import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend, wasmThreadCount } from '../../../electron/ml/engine';
import { BINARY_MODULE_PATH, SIMD_VARIANTS, binaryModuleText, compileSimdKernels } from '../../../electron/ml/engine/backends/simd/buildSimdKernels';
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

  it('all four binaries (shared and unshared memory, fused and unfused multiply-add) compile and run', async () => {
    const binaries = await compileSimdKernels();
    for (const variant of SIMD_VARIANTS) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: variant.startsWith('shared') });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(binaries[variant] as Uint8Array<ArrayBuffer>), { env: { memory } });
      new Float32Array(memory.buffer, 0, 4).set([0, 1, -1, 2]);
      (exports.exp4_probe as (x: number, out: number) => void)(0, 16);
      expect([...new Float32Array(memory.buffer, 16, 4)].map((v) => +v.toFixed(5)), variant).toEqual([1, 2.71828, 0.36788, 7.38906]);
    }
  });

  it('every binary convolves as the definition says (conv_forward: padding, tile edges, bias, ReLU)', async () => {
    const binaries = await compileSimdKernels();
    const [n, h, w, ci, kh, kw, co, top, left] = [2, 5, 7, 3, 3, 3, 13, 1, 2];
    const [oh, ow] = [h, w + 1]; // wider than the input: columns whose taps all fall in the padding
    let seed = 3;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
    const x = Float32Array.from({ length: n * h * w * ci }, random);
    const filter = Float32Array.from({ length: kh * kw * ci * co }, random);
    const bias = Float32Array.from({ length: co }, random);
    const want = new Float32Array(n * oh * ow * co);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let o = 0; o < co; o++) {
            let sum = bias[o];
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const [yy, xx] = [oy + i - top, ox + j - left];
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                for (let c = 0; c < ci; c++) sum += x[((b * h + yy) * w + xx) * ci + c] * filter[((i * kw + j) * ci + c) * co + o];
              }
            want[((b * oh + oy) * ow + ox) * co + o] = Math.max(0, sum);
          }
    for (const variant of SIMD_VARIANTS) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: variant.startsWith('shared') });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(binaries[variant] as Uint8Array<ArrayBuffer>), { env: { memory } });
      const at = [64, 64 + x.byteLength, 64 + x.byteLength + filter.byteLength, 64 + x.byteLength + filter.byteLength + bias.byteLength];
      new Float32Array(memory.buffer, at[0], x.length).set(x);
      new Float32Array(memory.buffer, at[1], filter.length).set(filter);
      new Float32Array(memory.buffer, at[2], bias.length).set(bias);
      const zero = at[3] + want.byteLength; // the memory past the output is still zero
      (exports.conv_forward as (...args: number[]) => void)(...at, h, w, oh, ow, kh, kw, ci, co, top, left, 3, 0, n * oh, zero);
      const got = new Float32Array(memory.buffer, at[3], want.length);
      for (let k = 0; k < want.length; k++) expect(Math.abs(got[k] - want[k]), `${variant} at ${k}`).toBeLessThan(1e-5);
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
