import * as tf from '@tensorflow/tfjs-core';

import { SOFTMAX_CE_KERNEL } from '../loss';
import { type SimdKernels, simdKernels } from './simd/simdKernels';
import { type KernelArgs, type WasmBackend, call, heapF32, heapOffset, heapView, release } from './wasmHeap';

/**
 * Softmax cross-entropy ignoring 255, forward and gradient together in one SIMD pass over the
 * logits (or two JS passes with the backend's Exp between them):
 * loss = Σ w_y·nll / Σ w_y and grad = w_y·(softmax − one-hot) / Σ w_y per labeled pixel, 0 where
 * the label is 255. The op-by-op version makes about twelve full passes over N·H·W·C values
 * (max, subtract, exp, sums, one-hot, cast, divide, …): about twice the time of this kernel on wasm.
 * Outputs [loss (scalar), grad (the logits' shape)].
 */
function softmaxCrossEntropyWasm(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackend;
  const { logits, labels, weights } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo; weights: tf.TensorInfo };
  const classes = logits.shape[logits.shape.length - 1];
  // The denominator first (and the labels checked before anything is allocated), so that the
  // gradient is written already scaled.
  const labelValues = heapView(backend, labels) as Int32Array;
  const classWeights = heapF32(backend, weights);
  let denominator = 0;
  for (let p = 0; p < labelValues.length; p++) {
    const label = labelValues[p];
    if (label === 255) continue;
    if (label < 0 || label >= classes) throw new Error(`label ${label} is outside the ${classes} classes (and is not 255, the ignore value)`);
    denominator += classWeights[label];
  }
  const scale = 1 / Math.max(denominator, 1e-12);
  const pixels = labelValues.length;
  const gradInfo = backend.makeOutput(logits.shape, 'float32');
  const lossInfo = backend.makeOutput([], 'float32');
  const simd = simdKernels(backend);
  const lossSum = simd
    ? lossBySimd(backend, simd, { logits, labels, weights, gradInfo, pixels, classes, scale })
    : lossByJs(backend, { logits, labels, weights, gradInfo, pixels, classes, scale });
  heapF32(backend, lossInfo)[0] = lossSum * scale;
  return [lossInfo, gradInfo];
}

/** Logits below which the hand-over to the helper thread costs more than it saves. */
const HELPER_MIN_VALUES = 65536;

interface LossBuffers {
  logits: tf.TensorInfo;
  labels: tf.TensorInfo;
  weights: tf.TensorInfo;
  gradInfo: tf.TensorInfo;
  pixels: number;
  classes: number;
  scale: number;
}

/**
 * The SIMD kernel writes the gradient and, per pixel, Σ e^(x − max) and the label's shifted logit;
 * the loss's logarithms (one per pixel, not per logit) are taken here.
 */
function lossBySimd(backend: WasmBackend, simd: SimdKernels, b: LossBuffers): number {
  const scratch = backend.makeOutput([2, b.pixels], 'float32');
  const zOffset = heapOffset(backend, scratch);
  // Pixels [from, to) with every pointer advanced to `from`.
  const range = (from: number, to: number) => [
    heapOffset(backend, b.logits) + from * b.classes * 4,
    heapOffset(backend, b.labels) + from * 4,
    heapOffset(backend, b.weights),
    heapOffset(backend, b.gradInfo) + from * b.classes * 4,
    to - from,
    b.classes,
    b.scale,
    zOffset + from * 4,
    zOffset + (b.pixels + from) * 4,
  ] as const;
  const helper = b.pixels * b.classes >= HELPER_MIN_VALUES ? simd.helper() : null;
  try {
    if (helper) {
      const half = b.pixels >> 1;
      helper.start('softmax_ce', [...range(half, b.pixels)]);
      try {
        simd.softmaxCe(...range(0, half));
      } finally {
        // Never read (or release) the scratch while the helper may still be writing it.
        helper.wait();
      }
    } else {
      simd.softmaxCe(...range(0, b.pixels));
    }
    return weightedNll(heapF32(backend, scratch), heapView(backend, b.labels) as Int32Array, heapF32(backend, b.weights), b.pixels, b.classes);
  } finally {
    release(backend, scratch);
  }
}

/**
 * Σ w_y·(ln z[p] − t[p]) over labeled pixels, from the SIMD kernel's per-pixel z (Σ e^(x − max), in
 * [1, C]) and t (the label's shifted logit). With every class weight 1 (the default) the logarithms
 * are taken of products of up to `block` z's (at most C^block, inside float64's range): one
 * Math.log per block instead of one per pixel, which took ~2 ms of a CamVid step.
 */
export function weightedNll(zt: Float32Array, labels: Int32Array, weights: Float32Array, pixels: number, classes: number): number {
  let unweighted = true;
  for (let k = 0; k < classes; k++) if (weights[k] !== 1) unweighted = false;
  let sum = 0;
  if (!unweighted) {
    for (let p = 0; p < pixels; p++) {
      const label = labels[p];
      if (label !== 255) sum += weights[label] * (Math.log(zt[p]) - zt[pixels + p]);
    }
    return sum;
  }
  const block = Math.max(1, Math.floor(300 / Math.log10(Math.max(classes, 2))));
  let product = 1;
  let inProduct = 0;
  for (let p = 0; p < pixels; p++) {
    if (labels[p] === 255) continue;
    product *= zt[p];
    sum -= zt[pixels + p];
    if (++inProduct === block) {
      sum += Math.log(product);
      product = 1;
      inProduct = 0;
    }
  }
  return sum + Math.log(product);
}

/** Two JS passes with the backend's Exp kernel between them (where the SIMD module cannot load). */
function lossByJs(backend: WasmBackend, b: LossBuffers): number {
  const { logits, labels, weights, gradInfo, pixels, classes, scale } = b;
  // Pass 1: each pixel's logits minus their max, into what becomes the gradient's buffer.
  const x = heapF32(backend, logits);
  let grad = heapF32(backend, gradInfo);
  let y = heapView(backend, labels) as Int32Array;
  const labelShifted = new Float32Array(pixels);
  for (let p = 0, o = 0; p < pixels; p++, o += classes) {
    let max = x[o];
    for (let k = 1; k < classes; k++) if (x[o + k] > max) max = x[o + k];
    for (let k = 0; k < classes; k++) grad[o + k] = x[o + k] - max;
    const label = y[p];
    if (label !== 255) labelShifted[p] = x[o + label] - max;
  }
  // The exponentials by the backend's own kernel: about twice as fast as Math.exp in a JS loop.
  const expInfo = call(backend, 'Exp', { x: gradInfo });
  // Views after the allocation: it may have grown the heap.
  grad = heapF32(backend, gradInfo);
  const e = heapF32(backend, expInfo);
  y = heapView(backend, labels) as Int32Array;
  const w = heapF32(backend, weights);
  // Pass 2: softmax sums, the loss, and the scaled gradient.
  let lossSum = 0;
  for (let p = 0, o = 0; p < pixels; p++, o += classes) {
    const label = y[p];
    if (label === 255) {
      grad.fill(0, o, o + classes);
      continue;
    }
    let z = 0;
    for (let k = 0; k < classes; k++) z += e[o + k];
    const pixelScale = w[label] * scale;
    const toGrad = pixelScale / z;
    for (let k = 0; k < classes; k++) grad[o + k] = e[o + k] * toGrad;
    grad[o + label] -= pixelScale;
    lossSum += w[label] * (Math.log(z) - labelShifted[p]);
  }
  release(backend, expInfo);
  return lossSum;
}

export function registerWasmLossKernel(): void {
  if (!tf.getKernel(SOFTMAX_CE_KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: SOFTMAX_CE_KERNEL, backendName: 'wasm', kernelFunc: softmaxCrossEntropyWasm as unknown as tf.KernelFunc });
  }
}
