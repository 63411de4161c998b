import * as tf from '@tensorflow/tfjs-core';

import { type WasmBackend, call, heapF32, heapOffset, release } from '../wasmHeap';
import { runWithHelper } from './simdHelperThread';
import type { SimdKernels } from './simdKernels';

/** Below this many multiply-adds the hand-over to the helper thread costs more than it saves. */
const HELPER_MIN_MACS = 2_000_000;

/**
 * Convolution input gradient (any stride, no dilation) by the module's input_grad: for each tap,
 * dx at the tap's input positions += dy · W[tap]ᵀ, straight from NHWC dy, with W transposed per tap
 * ([kh, kw, ci, co] → [kh, kw, co, ci], a small copy). Unlike a forward convolution of dy with the
 * flipped filter it needs no flipped copy of W and no packing of that copy (VGG16's fc6: 0.8 GB).
 * With the helper thread ready, it takes half of the input channels (16 or more), or else half of
 * the images; the two halves never write the same dx values.
 */
export function inputGradBySimd(
  backend: WasmBackend,
  simd: SimdKernels,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const byTap = call(backend, 'Reshape', { x: filter }, { shape: [kh * kw, ci, co] });
  const wt = call(backend, 'Transpose', { x: byTap }, { perm: [0, 2, 1] });
  release(backend, byTap);
  try {
    return inputGradByTransposedTaps(backend, simd, dy, wt, filter, filter.shape as [number, number, number, number], info);
  } finally {
    release(backend, wt);
  }
}

/**
 * inputGradBySimd with the filter W [kh, kw, ci, co] (`filterShape`) already transposed per tap:
 * `wt` [kh, kw, co, ci] (what input_grad multiplies by); `filter` is W itself, read only for the
 * columns past the last group of 4 (none where ci is a multiple of 4).
 */
export function inputGradByTransposedTaps(
  backend: WasmBackend,
  simd: SimdKernels,
  dy: tf.TensorInfo,
  wt: tf.TensorInfo,
  filter: tf.TensorInfo,
  filterShape: [number, number, number, number],
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [kh, kw, ci, co] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const dx = backend.makeOutput([n, h, w, ci], 'float32');
  try {
    heapF32(backend, dx).fill(0);
    const args = (ciFrom: number, ciTo: number, nFrom: number, nTo: number) =>
      [heapOffset(backend, dy), heapOffset(backend, wt), heapOffset(backend, filter), heapOffset(backend, dx), h, w, oh, ow, kh, kw, ci, co, top, left, sh, sw, ciFrom, ciTo, nFrom, nTo] as const;
    const helper = n * oh * ow * kh * kw * ci * co >= HELPER_MIN_MACS && (ci >= 16 || n >= 2) ? simd.helper() : null;
    if (!helper) {
      simd.inputGrad(...args(0, ci, 0, n));
      return dx;
    }
    const helperArgs = ci >= 16 ? args(Math.round(ci / 8) * 4, ci, 0, n) : args(0, ci, n >> 1, n);
    const mine = ci >= 16 ? args(0, Math.round(ci / 8) * 4, 0, n) : args(0, ci, 0, n >> 1);
    runWithHelper(helper, 'input_grad', helperArgs, () => simd.inputGrad(...mine));
    return dx;
  } catch (error) {
    release(backend, dx);
    throw error;
  }
}
