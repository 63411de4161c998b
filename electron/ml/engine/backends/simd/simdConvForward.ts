import type * as tf from '@tensorflow/tfjs-core';

import { type WasmBackend, heapF32, heapOffset, release } from '../wasmHeap';
import { runWithHelper } from './simdHelperThread';
import type { SimdKernels } from './simdKernels';

/** Below this many multiply-adds the hand-over to the helper thread costs more than it saves. */
const HELPER_MIN_MACS = 2_000_000;

/** A stride-1 convolution's shapes: x [n, h, w, ci] → y [n, oh, ow, co] through a kh × kw filter, padded top/left. */
export interface StrideOneConv {
  n: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  ci: number;
  co: number;
  top: number;
  left: number;
}

/**
 * y = x ⊛ filter (+ bias) (→ ReLU) by the module's conv_forward: NHWC x, TF's [kh, kw, ci, co]
 * filter read as it is, padding skipped rather than copied. With the helper thread ready, it
 * takes the second half of the output rows (all images' rows in one sequence).
 */
export function convForwardBySimd(
  backend: WasmBackend,
  simd: SimdKernels,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  conv: StrideOneConv,
  relu: boolean,
): tf.TensorInfo {
  const { n, h, w, oh, ow, kh, kw, ci, co, top, left } = conv;
  const y = backend.makeOutput([n, oh, ow, co], 'float32');
  // What edge tiles read for taps outside x (allocated after y: allocating may move the heap's buffer).
  const zero = backend.makeOutput([ci], 'float32');
  heapF32(backend, zero).fill(0);
  const flags = (bias ? 1 : 0) | (relu ? 2 : 0);
  const args = (qFrom: number, qTo: number) =>
    [heapOffset(backend, x), heapOffset(backend, filter), bias ? heapOffset(backend, bias) : 0, heapOffset(backend, y), h, w, oh, ow, kh, kw, ci, co, top, left, flags, qFrom, qTo, heapOffset(backend, zero)] as const;
  const rows = n * oh;
  const helper = rows >= 2 && n * oh * ow * kh * kw * ci * co >= HELPER_MIN_MACS ? simd.helper() : null;
  try {
    if (!helper) {
      simd.convForward(...args(0, rows));
      return y;
    }
    const split = rows >> 1;
    runWithHelper(helper, 'conv_forward', args(split, rows), () => simd.convForward(...args(0, split)));
    return y;
  } catch (error) {
    release(backend, y);
    throw error;
  } finally {
    release(backend, zero);
  }
}
