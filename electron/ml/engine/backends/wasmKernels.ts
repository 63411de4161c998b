import * as tf from '@tensorflow/tfjs-core';

import { type StrideOneConv, convForwardBySimd } from './simd/simdConvForward';
import { filterGradBySimd } from './simd/simdFilterGrad';
import { inputGradBySimd, inputGradByTransposedTaps } from './simd/simdInputGrad';
import { type SimdKernels, simdKernels } from './simd/simdKernels';
import { registerWasmActivationKernels } from './wasmActivationKernels';
import { registerWasmDepthwiseKernels } from './wasmDepthwiseKernels';
import { registerWasmLossKernel } from './wasmLossKernel';
import { registerWasmPhaseKernels } from './wasmPhaseKernels';
import { type WasmBackend, call, heapF32, heapOffset, heapView, release } from './wasmHeap';

type Backend = WasmBackend;
type Info = tf.TensorInfo;
type Shape4 = [number, number, number, number];

/**
 * A matrix product as a 1×1 XNNPACK convolution (threaded GEMM): `image` [1, 1, rows, k] times
 * `filter` [1, 1, k, cols] gives [1, 1, rows, cols].
 */
function pointwiseProduct(backend: Backend, image: Info, filter: Info): Info {
  return call(backend, 'Conv2D', { x: image, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined });
}

function convInfo(
  inShape: Shape4,
  filterShape: Shape4,
  strides: number | [number, number],
  pad: tf.backend_util.ExplicitPadding | 'same' | 'valid' | number,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  dataFormat: string,
): tf.backend_util.Conv2DInfo {
  if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`wasm training kernels support NHWC only, got ${dataFormat}`);
  }
  return tf.backend_util.computeConv2DInfo(inShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co].
 *
 * For each filter tap this is one matrix product of the tap's shifted input (Ci × M, M = N·OH·OW)
 * with dy (M × Co). Run as a 1×1 XNNPACK convolution over an "image" of Ci pixels with M channels,
 * it uses the threaded GEMM, and dy (the 1×1 filter) is packed once for all taps because XNNPACK's
 * operator cache is keyed by the filter tensor.
 */
export function conv2DBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): Info {
  const backend = args.backend as Backend;
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const filterShape = attrs.filterShape as Shape4;
  const info = convInfo(x.shape as Shape4, filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode, attrs.dataFormat);
  const [kh, kw, ci, co] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const m = n * oh * ow;

  if (SIMD_FILTER_GRAD) {
    const simd = simdKernels(backend);
    if (simd) return filterGradBySimd(backend, simd, x, dy, info, filterShape);
  }
  // Small maps go to the stacked path below: one product for all taps beats several tiny ones.
  if (sh === 1 && sw === 1 && kh * kw > 1 && m > SHIFTED_VIEW_MIN_M) {
    const hp = oh + kh - 1;
    const wp = ow + kw - 1;
    if ((n * hp * wp) / m <= SHIFTED_VIEW_MAX_GROWTH) return filterGradByShiftedViews(backend, x, dy, info, filterShape);
  }
  // Input channels first: [Ci, N, H, W], then padded so every tap's window is in range.
  const xT = call(backend, 'Transpose', { x }, { perm: [3, 0, 1, 2] });
  const needH = (oh - 1) * sh + kh;
  const needW = (ow - 1) * sw + kw;
  const padBottom = Math.max(0, needH - top - h);
  const padRight = Math.max(0, needW - left - w);
  let xPad = xT;
  if (top > 0 || left > 0 || padBottom > 0 || padRight > 0) {
    xPad = call(backend, 'PadV2', { x: xT }, { paddings: [[0, 0], [0, 0], [top, padBottom], [left, padRight]], constantValue: 0 });
    release(backend, xT);
  }
  const dyFilter = call(backend, 'Reshape', { x: dy }, { shape: [1, 1, m, co] });

  const windows: Info[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      if (sh === 1 && sw === 1) {
        windows.push(call(backend, 'Slice', { x: xPad }, { begin: [0, 0, i, j], size: [ci, n, oh, ow] }));
      } else {
        windows.push(
          call(
            backend,
            'StridedSlice',
            { x: xPad },
            {
              begin: [0, 0, i, j],
              end: [ci, n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1],
              strides: [1, 1, sh, sw],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          ),
        );
      }
    }
  }
  release(backend, xPad);
  // All taps as rows of one product: more row tiles for the thread pool than Ci rows alone, and
  // dy is streamed once per row tile instead of once per tap.
  const rows = kh * kw * ci;
  let image: Info;
  if ((STACK_TAPS ?? m <= STACK_TAPS_MAX_M) && windows.length > 1) {
    const all = call(backend, 'Concat', windows as unknown as Record<string, Info>, { axis: 0 });
    release(backend, ...windows);
    image = call(backend, 'Reshape', { x: all }, { shape: [1, 1, rows, m] });
    release(backend, all);
    const stacked = pointwiseProduct(backend, image, dyFilter);
    release(backend, image, dyFilter);
    const out = call(backend, 'Reshape', { x: stacked }, { shape: filterShape });
    release(backend, stacked);
    return out;
  }
  const taps: Info[] = [];
  for (const window of windows) {
    image = call(backend, 'Reshape', { x: window }, { shape: [1, 1, ci, m] });
    taps.push(pointwiseProduct(backend, image, dyFilter));
    release(backend, window, image);
  }
  release(backend, dyFilter);
  const stacked = taps.length === 1 ? taps[0] : call(backend, 'Concat', taps as unknown as Record<string, Info>, { axis: 0 });
  if (taps.length > 1) release(backend, ...taps);
  const out = call(backend, 'Reshape', { x: stacked }, { shape: filterShape });
  // Reshape aliases the data; the extra reference is dropped with the stacked handle.
  release(backend, stacked);
  return out;
}

/**
 * The filter of the input gradient: spatially flipped, in/out channels swapped:
 * F[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co]. Flipping both spatial axes reverses the order
 * of the KH·KW taps, so it is a channel transpose (fast) plus block copies in reverse order —
 * the backend's Reverse kernel walks element by element and costs ~25× more.
 */
function flippedFilter(backend: Backend, filter: Info): Info {
  const [kh, kw, ci, co] = filter.shape as Shape4;
  const taps = kh * kw;
  const byTap = call(backend, 'Reshape', { x: filter }, { shape: [taps, ci, co] });
  const swapped = call(backend, 'Transpose', { x: byTap }, { perm: [0, 2, 1] });
  release(backend, byTap);
  if (taps === 1) {
    const out = call(backend, 'Reshape', { x: swapped }, { shape: [kh, kw, co, ci] });
    release(backend, swapped);
    return out;
  }
  const out = backend.makeOutput([kh, kw, co, ci], 'float32');
  const src = heapF32(backend, swapped);
  const dst = heapF32(backend, out);
  const block = ci * co;
  for (let t = 0; t < taps; t++) dst.set(src.subarray(t * block, (t + 1) * block), (taps - 1 - t) * block);
  release(backend, swapped);
  return out;
}

/** Largest growth of the product's length (padded grid / output grid) for which the view trick pays. */
const SHIFTED_VIEW_MAX_GROWTH = 1.3;
/** Below this many output positions one stacked product of copied windows is faster (fewer, larger calls). */
const SHIFTED_VIEW_MIN_M = 1024;

/**
 * Stride-1 filter gradient without copying a window per tap. Over the zero-padded input grid
 * (Hp × Wp per image, flattened with the channel as the row: [Ci, N·Hp·Wp]), tap (i, j) is a
 * constant shift i·Wp + j, so its "window" is the same buffer read from a later offset. dy is
 * zero-padded onto the same grid, so positions that read past a row's end (into the next channel's
 * row, or into the one zero row added at the end) are multiplied by zero. Each tap is a tensor
 * registered at an interior heap offset (no copy), unregistered afterwards without freeing.
 */
function filterGradByShiftedViews(backend: Backend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo, filterShape: Shape4): Info {
  const [kh, kw, ci, co] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const hp = oh + kh - 1;
  const wp = ow + kw - 1;
  const grid = n * hp * wp;
  const xT = call(backend, 'Transpose', { x }, { perm: [3, 0, 1, 2] });
  // One extra zero "channel" row at the end keeps the last row's shifted reads inside the tensor.
  const xGrid = call(
    backend,
    'PadV2',
    { x: xT },
    { paddings: [[0, 1], [0, 0], [top, Math.max(0, hp - top - h)], [left, Math.max(0, wp - left - w)]], constantValue: 0 },
  );
  release(backend, xT);
  const dyGrid = call(backend, 'PadV2', { x: dy }, { paddings: [[0, 0], [0, hp - oh], [0, wp - ow], [0, 0]], constantValue: 0 });
  const dyFilter = call(backend, 'Reshape', { x: dyGrid }, { shape: [1, 1, grid, co] });
  release(backend, dyGrid);
  const base = heapOffset(backend, xGrid);
  const taps: Info[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const view = backend.makeOutput([1, 1, ci, grid], 'float32', base + (i * wp + j) * 4);
      taps.push(pointwiseProduct(backend, view, dyFilter));
      forgetView(backend, view);
    }
  }
  release(backend, xGrid, dyFilter);
  const stacked = call(backend, 'Concat', taps as unknown as Record<string, Info>, { axis: 0 });
  release(backend, ...taps);
  const out = call(backend, 'Reshape', { x: stacked }, { shape: filterShape });
  release(backend, stacked);
  return out;
}

/** Unregisters a tensor made over borrowed heap memory, without freeing that memory. */
function forgetView(backend: Backend, view: Info): void {
  const entry = backend.dataIdMap.get(view.dataId) as unknown as { id: number };
  backend.wasm.tfjs.disposeData(entry.id);
  backend.dataIdMap.delete(view.dataId);
}

/**
 * Input gradient: by our SIMD kernels where they load (input_grad, or for filters up to 3 × 3 a
 * forward convolution of dy with the spatially flipped filter whose in/out channels are swapped,
 * which then runs as our Conv2D); without them, that convolution by XNNPACK for stride 1 and the
 * package's own (scalar) kernel for other strides.
 */
function makeConv2DBackpropInputWasm(fallback: tf.KernelFunc) {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): Info => {
    const backend = args.backend as Backend;
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const inputShape = attrs.inputShape as Shape4;
    const info = convInfo(inputShape, filter.shape as Shape4, attrs.strides, attrs.pad, attrs.dimRoundingMode, attrs.dataFormat);
    const simd = SIMD_INPUT_GRAD ? simdKernels(backend) : null;
    const [kh, kw, ci] = filter.shape as Shape4;
    const { top, bottom, left, right } = info.padInfo;
    const pads = [kh - 1 - top, kh - 1 - bottom, kw - 1 - left, kw - 1 - right];
    const asConvolution = info.strideHeight === 1 && info.strideWidth === 1 && pads.every((p) => p >= 0);
    // With our SIMD module: filters up to 3 × 3 into a multiple of 4 channels as a forward
    // convolution (our Conv2D below: 0–30 % faster than input_grad on the small FCN's 3 × 3
    // layers); the rest by input_grad (fc6's 7 × 7, strides, and the upsamplers' gradients into 11
    // or 21 classes, where the convolution's scalar columns made it half as fast: bench/convKernels.ts).
    const ours = asConvolution && SIMD_CONV_FORWARD && kh <= 3 && kw <= 3 && ci % 4 === 0;
    if (simd && !ours) return inputGradBySimd(backend, simd, dy, filter, info);
    if (!asConvolution) return fallback(args as Parameters<tf.KernelFunc>[0]) as Info;
    const flipped = flippedFilter(backend, filter);
    const out = call(
      backend,
      'Conv2D',
      { x: dy, filter: flipped },
      {
        strides: [1, 1],
        pad: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
      },
    );
    release(backend, flipped);
    return out;
  };
}

/**
 * Conv2D and FusedConv2D (bias, ReLU) by our stride-1 SIMD convolution where it applies: float32
 * NHWC, stride and dilation 1, no activation but ReLU, a bias of one value per output channel, a
 * filter of at most 3 × 3 (larger ones into a multiple of 4 channels: convByInputGrad). Anything
 * else goes to the package's XNNPACK kernel. Measured on the small FCN's layers
 * (bench/convKernels.ts, one core free): ours is 30–60 % faster on its 3 × 3, 2 × 2 and 1 × 1
 * convolutions; our tiles on fc6 (7 × 7 over a 6 × 6 map: every tile an edge tile, tap by tap)
 * were 40 % slower than XNNPACK, convByInputGrad is 1.7× faster.
 */
function makeConv2DWasm(fallback: tf.KernelFunc, withEpilogue: boolean) {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): Info => {
    const backend = args.backend as Backend;
    const { x, filter, bias, preluActivationWeights } = args.inputs as { x: Info; filter: Info; bias?: Info; preluActivationWeights?: Info };
    const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
    const activation = withEpilogue ? (attrs.activation ?? 'linear') : 'linear';
    const simd = SIMD_CONV_FORWARD ? simdKernels(backend) : null;
    const [kh, kw, ci, co] = filter.shape as Shape4;
    const plain =
      simd &&
      x.dtype === 'float32' &&
      filter.dtype === 'float32' &&
      (attrs.dataFormat === 'NHWC' || attrs.dataFormat === ('channelsLast' as string)) &&
      (activation === 'linear' || activation === 'relu') &&
      !preluActivationWeights &&
      (!bias || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === co));
    if (!plain) return fallback(args as Parameters<tf.KernelFunc>[0]) as Info;
    const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
      return fallback(args as Parameters<tf.KernelFunc>[0]) as Info;
    }
    if (kh > 3 || kw > 3) {
      // convByInputGrad copies the filter each call; XNNPACK packs it once (VGG16's fc6: 411 MB).
      if (ci % 4 !== 0 || filter.shape.reduce((a, b) => a * b, 1) > REVERSED_FILTER_MAX) return fallback(args as Parameters<tf.KernelFunc>[0]) as Info;
      return convByInputGrad(backend, simd, x, filter, bias ?? null, info, activation === 'relu');
    }
    const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
    const conv: StrideOneConv = { n, h, w, oh, ow, kh, kw, ci, co, top: info.padInfo.top, left: info.padInfo.left };
    return convForwardBySimd(backend, simd, x, filter, bias ?? null, conv, activation === 'relu');
  };
}

/** Largest filter (values) convByInputGrad copies per call: 16 MB (the small FCN's fc6 is 3.2 MB). */
const REVERSED_FILTER_MAX = 4 * 1024 * 1024;

/**
 * A large-filter stride-1 convolution (fc6: 7 × 7 over a map of 6–8 positions a side) as the input
 * gradient of its transpose: y = x ⊛ W is input_grad of "dy" = x through W flipped with its
 * channels swapped, padded k − 1 − p. input_grad skips the taps that fall in the padding (a third
 * to a half of fc6's) where XNNPACK and our tiles multiply them by zeros: fc6 forward 1.7× faster
 * (bench/convKernels.ts: 30 → 51 GF/s at 8 × 6² × 64 → 256). Bias and ReLU in one pass over y
 * after it (y is small).
 */
function convByInputGrad(backend: Backend, simd: SimdKernels, x: Info, filter: Info, bias: Info | null, info: tf.backend_util.Conv2DInfo, relu: boolean): Info {
  const [kh, kw, ci, co] = filter.shape as Shape4;
  // input_grad multiplies by its filter transposed per tap; that filter is W flipped with its
  // channels swapped, so what it multiplies by is W with its taps in reverse order: a block copy.
  const reversed = backend.makeOutput([kh, kw, ci, co], 'float32');
  try {
    const src = heapF32(backend, filter);
    const dst = heapF32(backend, reversed);
    const block = ci * co;
    const taps = kh * kw;
    for (let t = 0; t < taps; t++) dst.set(src.subarray(t * block, (t + 1) * block), (taps - 1 - t) * block);
    const { top, bottom, left, right } = info.padInfo;
    const transposed = tf.backend_util.computeConv2DInfo(
      [info.batchSize, info.outHeight, info.outWidth, co],
      [kh, kw, co, ci],
      1,
      1,
      [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]] as unknown as tf.backend_util.ExplicitPadding,
      undefined,
      false,
      'channelsLast',
    );
    // ci (the transposed problem's co) is a multiple of 4 here, so the flipped filter itself is never read.
    const y = inputGradByTransposedTaps(backend, simd, x, reversed, reversed, [kh, kw, co, ci], transposed);
    if (bias || relu) {
      const out = heapF32(backend, y);
      const b = bias ? heapF32(backend, bias) : null;
      for (let i = 0; i < out.length; i++) {
        const v = b ? out[i] + b[i % co] : out[i];
        out[i] = relu && v < 0 ? 0 : v;
      }
    }
    return y;
  } finally {
    release(backend, reversed);
  }
}

/**
 * Slice that copies straight from the heap. The package's version first copies the whole input out
 * of the heap (readSync) for every slice, so splitting a tensor in k parts copied it k times.
 */
function makeSliceWasm(fallback: tf.KernelFunc) {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): Info => {
    const backend = args.backend as Backend;
    const { x } = args.inputs as { x: Info };
    if (x.dtype === 'string') return fallback(args as Parameters<tf.KernelFunc>[0]) as Info;
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, attrs.begin, attrs.size);
    const out = backend.makeOutput(size, x.dtype);
    const total = size.reduce((a, b) => a * b, 1);
    if (total === 0) return out;
    const src = heapView(backend, x);
    const dst = heapView(backend, out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const offset = tf.slice_util.computeFlatOffset(begin, strides);
      dst.set(src.subarray(offset, offset + total));
      return out;
    }
    // Copy row by row (the last axis is contiguous in both).
    const rank = x.shape.length;
    const rowLength = size[rank - 1];
    const index = new Array<number>(rank - 1).fill(0);
    for (let o = 0; o < total; o += rowLength) {
      let offset = begin[rank - 1];
      for (let d = 0; d < rank - 1; d++) offset += (begin[d] + index[d]) * strides[d];
      dst.set(src.subarray(offset, offset + rowLength), o);
      for (let d = rank - 2; d >= 0; d--) {
        if (++index[d] < size[d]) break;
        index[d] = 0;
      }
    }
    return out;
  };
}

/**
 * Max-pool gradient in one pass over the outputs: each output's gradient goes to the first
 * maximum of its window (the cpu backend's rule). The package's C++ kernel takes ~5× longer.
 */
function maxPoolGradWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): Info {
  const backend = args.backend as Backend;
  const { dy, input } = args.inputs as { dy: Info; input: Info };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const dx = backend.makeOutput(input.shape, 'float32');
  const x = heapView(backend, input) as Float32Array;
  const g = heapView(backend, dy) as Float32Array;
  const out = heapView(backend, dx) as Float32Array;
  out.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const simd = simdKernels(backend);
  const plain2x2 =
    info.filterHeight === 2 && info.filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && info.padInfo.top === 0 && info.padInfo.left === 0;
  if (simd && plain2x2 && c % 4 === 0 && outHeight === inHeight >> 1 && outWidth === inWidth >> 1) {
    simd.maxpoolGrad2x2(heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, dx), batchSize, inHeight, inWidth, c);
    return dx;
  }
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const { top, left } = info.padInfo;
  const rowStride = inWidth * c;
  const imageStride = inHeight * rowStride;
  let o = 0;
  for (let n = 0; n < batchSize; n++) {
    const image = n * imageStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + fw);
        for (let ch = 0; ch < c; ch++, o++) {
          let best = -Infinity;
          let at = -1;
          for (let yy = yStart; yy < yEnd; yy++) {
            for (let xx = xStart; xx < xEnd; xx++) {
              const idx = image + yy * rowStride + xx * c + ch;
              if (x[idx] > best || at < 0) {
                best = x[idx];
                at = idx;
              }
            }
          }
          if (at >= 0) out[at] += g[o];
        }
      }
    }
  }
  return dx;
}

/**
 * Sum over leading axes (a bias gradient: Σ over N, H, W of an NHWC tensor) as one pass with
 * float64 accumulators. The package transposes the reduced axes innermost first (a full copy
 * through its generic transpose). Other reductions go to the package's kernel.
 */
function makeSumWasm(fallback: tf.KernelFunc) {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): Info => {
    const backend = args.backend as Backend;
    const { x } = args.inputs as { x: Info };
    const attrs = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const leading = axes.every((a, i) => a === i) && axes.length < x.shape.length;
    if (x.dtype !== 'float32' || !leading || axes.length === 0) return fallback(args as Parameters<tf.KernelFunc>[0]) as Info;
    const rest = x.shape.slice(axes.length);
    const inner = rest.reduce((a, b) => a * b, 1);
    const outShape = attrs.keepDims ? [...axes.map(() => 1), ...rest] : rest;
    const out = backend.makeOutput(outShape, 'float32');
    const simd = simdKernels(backend);
    if (simd) {
      // float64 accumulators in the heap, as two float32 slots each
      const acc = backend.makeOutput([2 * inner], 'float32');
      heapF32(backend, acc).fill(0);
      simd.sumRows(heapOffset(backend, x), tf.util.sizeFromShape(x.shape) / inner, inner, heapOffset(backend, acc), heapOffset(backend, out));
      release(backend, acc);
      return out;
    }
    const src = heapView(backend, x) as Float32Array;
    const dst = heapView(backend, out) as Float32Array;
    const acc = new Float64Array(inner);
    for (let base = 0; base < src.length; base += inner) {
      for (let j = 0; j < inner; j++) acc[j] += src[base + j];
    }
    dst.set(acc);
    return out;
  };
}

/**
 * Identity without a copy (as the cpu and webgpu backends do). Engine.customGrad and fused ops
 * clone every tensor they save for the backward pass; the package's Identity copied each one —
 * every activation of the network, once more per step.
 */
function identityWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): Info {
  const { x } = args.inputs as { x: Info };
  (args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let registered = false;

/**
 * Whether filter gradients use our SIMD kernel (where it loads) rather than XNNPACK
 * products; off only to compare the two.
 */
let SIMD_FILTER_GRAD = true;
export function setSimdFilterGrad(on: boolean): void {
  SIMD_FILTER_GRAD = on;
}

/** Whether stride-1 Conv2D and FusedConv2D use our SIMD convolution rather than XNNPACK; off only to compare them. */
let SIMD_CONV_FORWARD = true;
export function setSimdConvForward(on: boolean): void {
  SIMD_CONV_FORWARD = on;
}

/** The same for input gradients (ours, or XNNPACK convolutions of dy with the flipped filter). */
let SIMD_INPUT_GRAD = true;
export function setSimdInputGrad(on: boolean): void {
  SIMD_INPUT_GRAD = on;
}

/**
 * Whether the copied-window filter gradient runs all taps as one product. It pays when each tap's
 * product is small (fc6 on an 8×8 map: 49 taps of M = 128 rows, 3× faster stacked) and not for
 * large maps, so by default it stacks when M ≤ STACK_TAPS_MAX_M. null = that default.
 */
let STACK_TAPS: boolean | null = null;
const STACK_TAPS_MAX_M = 4096;
export function setStackTaps(on: boolean | null): void {
  STACK_TAPS = on;
}

/**
 * Re-registers the package's wasm kernel `name` (keeping its setup and dispose) with the kernel
 * function `make` builds from the original, which it may fall back to.
 */
function replaceKernel(name: string, make: (original: tf.KernelFunc) => unknown): void {
  const existing = tf.getKernel(name, 'wasm');
  if (!existing) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...existing, kernelFunc: make(existing.kernelFunc) as tf.KernelFunc });
}

/** Adds the training kernels tfjs-backend-wasm lacks or runs slowly. Idempotent; call before tf.setBackend('wasm'). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilterWasm as tf.KernelFunc });
  }
  const sliceKernel = tf.getKernel('Slice', 'wasm');
  if (sliceKernel) {
    const fastSlice = makeSliceWasm(sliceKernel.kernelFunc);
    tf.unregisterKernel('Slice', 'wasm');
    tf.registerKernel({ ...sliceKernel, kernelFunc: fastSlice as tf.KernelFunc });
    if (tf.getKernel('SplitV', 'wasm')) {
      const splitKernel = tf.getKernel('SplitV', 'wasm')!;
      tf.unregisterKernel('SplitV', 'wasm');
      tf.registerKernel({
        ...splitKernel,
        kernelFunc: ((args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => {
          const { x } = args.inputs as { x: Info };
          const attrs = args.attrs as unknown as tf.SplitVAttrs;
          const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
          const sizes = tf.backend_util.prepareSplitSize(x as tf.TensorInfo as tf.Tensor, attrs.numOrSizeSplits, axis);
          const begin = x.shape.map(() => 0);
          return sizes.map((part) => {
            const size = x.shape.slice();
            size[axis] = part;
            const piece = fastSlice({ inputs: { x }, backend: args.backend, attrs: { begin: begin.slice(), size } as unknown as tf.NamedAttrMap });
            begin[axis] += part;
            return piece;
          });
        }) as tf.KernelFunc,
      });
    }
  }
  replaceKernel('Sum', makeSumWasm);
  replaceKernel('MaxPoolGrad', () => maxPoolGradWasm);
  replaceKernel('Identity', () => identityWasm);
  replaceKernel('Conv2DBackpropInput', makeConv2DBackpropInputWasm);
  replaceKernel('Conv2D', (original) => makeConv2DWasm(original, false));
  replaceKernel('FusedConv2D', (original) => makeConv2DWasm(original, true));
  registerWasmDepthwiseKernels();
  registerWasmActivationKernels();
  registerWasmPhaseKernels();
  registerWasmLossKernel();
}
