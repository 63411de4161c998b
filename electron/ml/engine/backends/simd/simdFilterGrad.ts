import type * as tf from '@tensorflow/tfjs-core';

import { type WasmBackend, heapF32, heapOffset, release } from '../wasmHeap';
import { runWithHelper } from './simdHelperThread';
import type { SimdKernels } from './simdKernels';

/**
 * Bytes of x and dy per chunk of output positions: each tile of a chunk re-reads the chunk's x
 * (along a tile row) or dy (down a tile column). 32 KB (within L1) measured 5–14 % faster than
 * 256 KB on the small FCN's 3 × 3 layers from 24² to 96², the same at 12² and 192².
 */
const CHUNK_BYTES = 32 * 1024;

/** Below this many multiply-adds the hand-over to the helper thread costs more than it saves. */
const HELPER_MIN_MACS = 2_000_000;

/**
 * Filter gradient (any stride, no dilation) straight from NHWC x and dy, without padding or copies (the module's
 * filter_grad: per tap, the rectangle of output positions whose input lies inside the image, in
 * chunks of rows, each chunk's [Ci, Co] block in 4 × 8 register tiles). With the helper thread
 * ready, it takes half of the output columns, or (for fewer than 16 columns) half of the positions
 * into its own output, added in at the end.
 */
export function filterGradBySimd(
  backend: WasmBackend,
  simd: SimdKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): tf.TensorInfo {
  const [kh, kw, ci, co] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const chunkPositions = Math.min(2048, Math.max(16, Math.floor(CHUNK_BYTES / ((ci + co) * 4))));
  const args = (target: tf.TensorInfo, part: number, parts: number, coFrom = 0, coTo = co) =>
    [heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, target), n, h, w, oh, ow, kh, kw, ci, co, top, left, chunkPositions, part, parts, coFrom, coTo, sh, sw] as const;
  const out = backend.makeOutput(filterShape, 'float32');
  heapF32(backend, out).fill(0);
  const helper = n * oh * ow * kh * kw * ci * co >= HELPER_MIN_MACS ? simd.helper() : null;
  if (!helper) {
    simd.filterGrad(...args(out, 0, 1));
    return out;
  }
  if (co >= 16) {
    // Half of the columns each, split at a multiple of 4 (tiles are 8, 4 or 1 wide): no second output.
    const split = Math.round(co / 8) * 4;
    runWithHelper(helper, 'filter_grad', args(out, 0, 1, split, co), () => simd.filterGrad(...args(out, 0, 1, 0, split)));
    return out;
  }
  // Narrow: half of the positions each (8-wide tiles beat two 4-wide halves), the helper's into a
  // second output.
  const partial = backend.makeOutput(filterShape, 'float32');
  try {
    heapF32(backend, partial).fill(0);
    runWithHelper(helper, 'filter_grad', args(partial, 1, 2), () => simd.filterGrad(...args(out, 0, 2)));
    simd.addInto(heapOffset(backend, out), heapOffset(backend, partial), kh * kw * ci * co);
  } finally {
    release(backend, partial);
  }
  return out;
}
