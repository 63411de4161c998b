import * as tf from '@tensorflow/tfjs-core';

import { PHASE_INTERLEAVE_KERNEL, PHASE_SPLIT_KERNEL } from '../model/upsample';
import { simdKernels } from './simd/simdKernels';
import { type KernelArgs, type WasmBackend, heapOffset } from './wasmHeap';

type Shape4 = [number, number, number, number];

/**
 * The runs one phase interleave copies: quadrant (a, b)'s pixel (i, y, x) holds the s/2 × s/2
 * phases (ry', rx', C) of output rows y·s + a·s/2 + ry', columns x·s + b·s/2 + rx'. For each image
 * row, quadrant and ry', the w pixels' (rx', C) runs are contiguous on both sides: one strided copy.
 * Offsets and strides in bytes; quadrants numbered a·2 + b.
 */
function forEachPhaseRow(
  [n, h, w, c]: Shape4,
  s: number,
  copy: (quadrant: number, quadrantByte: number, gridByte: number, count: number, bytes: number, quadrantStride: number, gridStride: number) => void,
): void {
  const half = s / 2;
  const run = half * c;
  const pixel = half * run;
  const gridWidth = w * s;
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++)
          for (let r = 0; r < half; r++) {
            const gridRow = (i * h + y) * s + a * half + r;
            copy(a * 2 + b, (((i * h + y) * w) * pixel + r * run) * 4, ((gridRow * gridWidth + b * half) * c) * 4, w, run * 4, pixel * 4, s * c * 4);
          }
}

/** count runs of `bytes` bytes, by our SIMD module's memory.copy loop, else by the heap's copyWithin. */
function copyRuns(backend: WasmBackend, src: number, dst: number, count: number, bytes: number, srcStride: number, dstStride: number): void {
  const simd = simdKernels(backend);
  if (simd) {
    simd.copyRuns(src, dst, count, bytes, srcStride, dstStride);
    return;
  }
  const heap = backend.wasm.HEAPU8;
  for (let k = 0; k < count; k++) heap.copyWithin(dst + k * dstStride, src + k * srcStride, src + k * srcStride + bytes);
}

/** Quadrants [n, h, w, (s/2)²·C] × 4 → the grid [n, h·s, w·s, C]. */
function phaseInterleaveWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { q00, q01, q10, q11 } = args.inputs as Record<string, tf.TensorInfo>;
  const s = (args.attrs as { s: number }).s;
  const [n, h, w, channels] = q00.shape as Shape4;
  const c = channels / ((s / 2) * (s / 2));
  const out = backend.makeOutput([n, h * s, w * s, c], 'float32');
  const quadrants = [q00, q01, q10, q11].map((q) => heapOffset(backend, q));
  const grid = heapOffset(backend, out);
  forEachPhaseRow([n, h, w, c], s, (q, qByte, gByte, count, bytes, qStride, gStride) =>
    copyRuns(backend, quadrants[q] + qByte, grid + gByte, count, bytes, qStride, gStride),
  );
  return out;
}

/** The grid [n, h·s, w·s, C] → its four quadrants [n, h, w, (s/2)²·C] (the interleave's gradient). */
function phaseSplitWasm(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackend;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const s = (args.attrs as { s: number }).s;
  const [n, gh, gw, c] = x.shape as Shape4;
  const [h, w] = [gh / s, gw / s];
  const outs = [0, 1, 2, 3].map(() => backend.makeOutput([n, h, w, (s / 2) * (s / 2) * c], 'float32'));
  const quadrants = outs.map((q) => heapOffset(backend, q));
  const grid = heapOffset(backend, x);
  forEachPhaseRow([n, h, w, c], s, (q, qByte, gByte, count, bytes, qStride, gStride) =>
    copyRuns(backend, grid + gByte, quadrants[q] + qByte, count, bytes, gStride, qStride),
  );
  return outs;
}

export function registerWasmPhaseKernels(): void {
  if (!tf.getKernel(PHASE_INTERLEAVE_KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: PHASE_INTERLEAVE_KERNEL, backendName: 'wasm', kernelFunc: phaseInterleaveWasm as tf.KernelFunc });
  }
  if (!tf.getKernel(PHASE_SPLIT_KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: PHASE_SPLIT_KERNEL, backendName: 'wasm', kernelFunc: phaseSplitWasm as unknown as tf.KernelFunc });
  }
}
