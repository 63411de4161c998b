import * as tf from '@tensorflow/tfjs-core';

import type { BackboneName } from '../../types';

/** A weight the model creates: its name, shape and how a fresh model initialises it. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'kaiming' | 'zeros' | 'bilinear';
}

/**
 * What a backbone's weights expect of RGB 0..255 input, as data that both the engine and the
 * exported graphs apply: optionally RGB → BGR, then subtract `mean`, then divide by `std`
 * (per channel, after reordering).
 */
export interface PreprocessSpec {
  bgr: boolean;
  mean: number[];
  std: number[] | null;
}

/**
 * A preprocessing spec as one 1×1 convolution with a bias, which is how the engine and the ONNX
 * export apply it: y_c = (x_src(c) − mean_c) / std_c = Σ_i x_i · filter[i, c] + bias_c with
 * filter[src(c), c] = 1/std_c and bias_c = −mean_c/std_c (filter in TF's [in, out] layout).
 * Elementwise ops with a per-channel operand run on generic broadcasting loops on the wasm
 * backend and in ONNX Runtime (≈ 10 ms and 3 ms for a 2 × 256² batch); a convolution does not.
 */
export function preprocessAsConv(spec: PreprocessSpec): { filter: Float32Array; bias: Float32Array; channels: number } {
  const channels = spec.mean.length;
  const filter = new Float32Array(channels * channels);
  const bias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const src = spec.bgr ? channels - 1 - c : c;
    const scale = 1 / (spec.std?.[c] ?? 1);
    filter[src * channels + c] = scale;
    bias[c] = -spec.mean[c] * scale;
  }
  return { filter, bias, channels };
}

/** Applies a preprocessing spec to NHWC RGB 0..255 images (see preprocessAsConv). */
export function applyPreprocess(x: tf.Tensor4D, spec: PreprocessSpec): tf.Tensor4D {
  const { filter, bias, channels } = preprocessAsConv(spec);
  return tf.tidy(() =>
    tf.fused.conv2d({ x, filter: tf.tensor4d(filter, [1, 1, channels, channels]), bias: tf.tensor1d(bias), strides: 1, pad: 'valid' }),
  );
}

export type Activation = 'relu' | 'relu6' | 'linear';

/**
 * The layers backbones are written in. The engine runs them on tensors and each exporter writes
 * them as graph nodes, so one description of a backbone is what is trained and what is exported.
 * Convolutions are 'same'-padded (inputs are multiples of 32, so every strided layer sees an even
 * size) and add a bias before the activation.
 */
export interface LayerOps<T> {
  /** Convolution with weights `${layer}/kernel` [kh, kw, in, out] and `${layer}/bias`. */
  conv(x: T, layer: string, activation: Activation, stride?: number): T;
  /** Depthwise convolution with weights `${layer}/depthwise_kernel` [kh, kw, channels, 1] and `${layer}/bias`. */
  depthwiseConv(x: T, layer: string, activation: Activation, stride: number): T;
  /** 2×2 max-pool, stride 2. */
  maxPool(x: T): T;
  add(a: T, b: T): T;
  /** Dropout while training; the identity in inference and in exported graphs. */
  dropout(x: T): T;
}

/** A backbone's outputs: stride-32 features for score_fr and the stride-16/8 features the FCN-16s/8s skips score. */
export interface BackboneFeatures<T> {
  out: T;
  skips: { pool4: T; pool3: T };
}

/**
 * A backbone of the FCN: its weights, its forward pass and which of its layers feed the skips.
 * Everything about one backbone lives in its module (vgg.ts, mobilenetv2.ts).
 */
export interface Backbone {
  readonly name: BackboneName;
  readonly preprocess: PreprocessSpec;
  /** Channels of `out` (score_fr's input) and of the two skips (score_pool4's and score_pool3's). */
  readonly outChannels: number;
  readonly skipChannels: { pool4: number; pool3: number };
  /** The backbone's weights, in creation order. */
  paramSpecs(): ParamSpec[];
  /** The forward pass from preprocessed, padded input. */
  features<T>(x: T, ops: LayerOps<T>): BackboneFeatures<T>;
  /** Whether a weight is frozen in the first stage of a two-stage schedule. */
  isBackboneWeight(name: string): boolean;
}
