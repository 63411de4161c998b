import * as tf from '@tensorflow/tfjs-core';

import { simdKernels } from './simd/simdKernels';
import { type KernelArgs, type WasmBackend, heapF32, heapOffset, release } from './wasmHeap';

/**
 * The two depthwise-convolution gradients tfjs-backend-wasm does not ship (MobileNetV2 training
 * needs both). Depthwise convolutions are cheap (9 multiply-adds per output value), so plain loops
 * over the wasm heap, channels innermost, are fast enough; the stride-1 input gradient, the most
 * frequent one, runs as the package's own (XNNPACK) depthwise convolution of dy with the flipped filter.
 */

type Backend = WasmBackend;
type Info = tf.TensorInfo;
type Shape4 = [number, number, number, number];

function depthwiseInfo(
  inShape: Shape4,
  filterShape: Shape4,
  attrs: { strides: number | [number, number]; pad: unknown; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' },
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
    attrs.dimRoundingMode,
    true,
  );
}

/**
 * Visits every (output row, filter tap) pair with the run of output pixels whose input pixel lies
 * inside the image: `visit(inOffset, outOffset, tapOffset, count)` where the run's k-th pixel reads
 * input at inOffset + k·inStep and output at outOffset + k·outChannels (channels innermost). One call
 * per run keeps the per-value work in the caller's tight loops.
 */
function forEachTapRun(
  info: tf.backend_util.Conv2DInfo,
  visit: (inOffset: number, outOffset: number, tapOffset: number, count: number, inStep: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const inRow = inWidth * inChannels;
  const inStep = sw * inChannels;
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const outRow = (n * outHeight + oy) * outWidth * outChannels;
      for (let ky = 0; ky < filterHeight; ky++) {
        const y = oy * sh - top + ky * dh;
        if (y < 0 || y >= inHeight) continue;
        const rowOffset = (n * inHeight + y) * inRow;
        for (let kx = 0; kx < filterWidth; kx++) {
          // Output columns ox with 0 ≤ ox·sw − left + kx·dw < inWidth.
          const shift = kx * dw - left;
          const first = Math.max(0, Math.ceil(-shift / sw));
          const end = Math.min(outWidth, Math.floor((inWidth - 1 - shift) / sw) + 1);
          if (first >= end) continue;
          visit(rowOffset + (first * sw + shift) * inChannels, outRow + first * outChannels, (ky * filterWidth + kx) * outChannels, end - first, inStep);
        }
      }
    }
  }
}

/**
 * dW[ky, kx, c, q] = Σ_{n, oy, ox} x[n, oy·s + ky·d − top, ox·s + kx·d − left, c] · dy[n, oy, ox, c·m + q],
 * accumulated in float64 (a sum over every output pixel of the batch).
 */
export function depthwiseBackpropFilterWasm(args: KernelArgs): Info {
  const backend = args.backend as Backend;
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const filterShape = attrs.filterShape as Shape4;
  const info = depthwiseInfo(x.shape as Shape4, filterShape, attrs);
  const out = backend.makeOutput(filterShape, 'float32');
  const xs = heapF32(backend, x);
  const g = heapF32(backend, dy);
  const c = info.inChannels;
  const m = info.outChannels / c;
  const acc = new Float64Array(filterShape.reduce((a, b) => a * b, 1));
  const simd = simdKernels(backend);
  if (m === 1 && c % 4 === 0 && simd) {
    // Each run's sums in float32 (SIMD over channels), folded into the float64 totals per run.
    const run = backend.makeOutput([c], 'float32');
    const runValues = heapF32(backend, run);
    const [xBase, gBase, runBase] = [heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, run)];
    forEachTapRun(info, (i0, o0, t, count, inStep) => {
      runValues.fill(0);
      simd.depthwiseFilterRun(xBase + i0 * 4, gBase + o0 * 4, runBase, count, inStep, c);
      for (let ch = 0; ch < c; ch++) acc[t + ch] += runValues[ch];
    });
    release(backend, run);
  } else if (m === 1) {
    // One channel at a time along the run: a register accumulator, ~1.5× faster than updating acc per pixel.
    forEachTapRun(info, (i0, o0, t, count, inStep) => {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let k = 0, i = i0 + ch, o = o0 + ch; k < count; k++, i += inStep, o += c) sum += xs[i] * g[o];
        acc[t + ch] += sum;
      }
    });
  } else {
    forEachTapRun(info, (i0, o0, t, count, inStep) => {
      for (let k = 0, i = i0, o = o0; k < count; k++, i += inStep, o += c * m) {
        for (let ch = 0; ch < c; ch++) {
          const v = xs[i + ch];
          for (let q = 0; q < m; q++) acc[t + ch * m + q] += v * g[o + ch * m + q];
        }
      }
    });
  }
  heapF32(backend, out).set(acc);
  return out;
}

/** dx[n, y, x, c] = Σ over the taps and outputs that read (y, x) of dy[n, oy, ox, c·m + q] · W[ky, kx, c, q]: a scatter loop. */
function depthwiseBackpropInputLoop(backend: Backend, dy: Info, filter: Info, info: tf.backend_util.Conv2DInfo, inputShape: Shape4): Info {
  const out = backend.makeOutput(inputShape, 'float32');
  const dx = heapF32(backend, out);
  dx.fill(0);
  const g = heapF32(backend, dy);
  const w = heapF32(backend, filter);
  const c = info.inChannels;
  const m = info.outChannels / c;
  const simd = simdKernels(backend);
  if (m === 1 && c % 4 === 0 && simd) {
    const [dxBase, gBase, wBase] = [heapOffset(backend, out), heapOffset(backend, dy), heapOffset(backend, filter)];
    forEachTapRun(info, (i0, o0, t, count, inStep) => simd.depthwiseInputRun(dxBase + i0 * 4, gBase + o0 * 4, wBase + t * 4, count, inStep, c));
  } else if (m === 1) {
    forEachTapRun(info, (i0, o0, t, count, inStep) => {
      for (let k = 0, i = i0, o = o0; k < count; k++, i += inStep, o += c) {
        for (let ch = 0; ch < c; ch++) dx[i + ch] += g[o + ch] * w[t + ch];
      }
    });
  } else {
    forEachTapRun(info, (i0, o0, t, count, inStep) => {
      for (let k = 0, i = i0, o = o0; k < count; k++, i += inStep, o += c * m) {
        for (let ch = 0; ch < c; ch++) {
          let sum = 0;
          for (let q = 0; q < m; q++) sum += g[o + ch * m + q] * w[t + ch * m + q];
          dx[i + ch] += sum;
        }
      }
    });
  }
  return out;
}

/**
 * Input gradient. With stride 1, no dilation and one output per channel it is a forward depthwise
 * convolution of dy with the spatially flipped filter (padding k − 1 − pad on each side), which the
 * package runs through XNNPACK; anything else takes the loop.
 */
export function depthwiseBackpropInputWasm(args: KernelArgs): Info {
  const backend = args.backend as Backend;
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const inputShape = attrs.inputShape as Shape4;
  const info = depthwiseInfo(inputShape, filter.shape as Shape4, attrs);
  const [kh, kw, c, m] = filter.shape as Shape4;
  const { top, bottom, left, right } = info.padInfo;
  const pads = [kh - 1 - top, kh - 1 - bottom, kw - 1 - left, kw - 1 - right];
  const forward = tf.getKernel('DepthwiseConv2dNative', 'wasm');
  const simple =
    info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 && m === 1 && pads.every((p) => p >= 0);
  if (!simple || !forward) return depthwiseBackpropInputLoop(backend, dy, filter, info, inputShape);
  // Flipping both spatial axes reverses the order of the taps; each tap is a run of C values.
  const flipped = backend.makeOutput([kh, kw, c, 1], 'float32');
  const dst = heapF32(backend, flipped);
  const src = heapF32(backend, filter);
  const taps = kh * kw;
  for (let t = 0; t < taps; t++) dst.set(src.subarray(t * c, (t + 1) * c), (taps - 1 - t) * c);
  const out = forward.kernelFunc({
    inputs: { x: dy, filter: flipped },
    backend,
    attrs: { strides: [1, 1], pad: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], dilations: [1, 1], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap,
  }) as Info;
  backend.disposeData(flipped.dataId);
  return out;
}

/** Registers the depthwise gradients for wasm where the package lacks them. Idempotent. */
export function registerWasmDepthwiseKernels(): void {
  for (const [kernelName, kernelFunc] of [
    ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilterWasm],
    ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInputWasm],
  ] as const) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  }
}
