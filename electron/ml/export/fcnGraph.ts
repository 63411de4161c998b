import * as tf from '@tensorflow/tfjs-core';

import type { BackboneSpec, FcnConfig } from '../engine';
import { FCN_STRIDE, backbones } from '../engine';

/**
 * What a backbone's `preprocess` does, as data an exported graph can replay op for op:
 * optionally RGB → BGR, then subtract `mean`, then divide by `std` (per channel, after reordering).
 */
export interface PreprocessSpec {
  bgr: boolean;
  mean: number[];
  std: number[] | null;
}

/** The preprocessing of each backbone, mirrored from engine/model/backbones.ts (checked by probing it). */
export const PREPROCESS: Record<FcnConfig['backbone'], PreprocessSpec> = {
  vgg16: { bgr: true, mean: [103.939, 116.779, 123.68], std: null },
  small: { bgr: false, mean: [0.485 * 255, 0.456 * 255, 0.406 * 255], std: [0.229 * 255, 0.224 * 255, 0.225 * 255] },
  tiny: { bgr: false, mean: [0.485 * 255, 0.456 * 255, 0.406 * 255], std: [0.229 * 255, 0.224 * 255, 0.225 * 255] },
};

/**
 * The spec for a backbone, after checking it against the engine's own preprocess on a probe image,
 * so that an engine change can never silently produce an exported model that disagrees with ours.
 */
export function preprocessSpec(backbone: BackboneSpec): PreprocessSpec {
  const spec = PREPROCESS[backbone.name];
  if (!spec) throw new Error(`no export preprocessing known for backbone ${backbone.name}`);
  const probe = new Float32Array(2 * 3 * 3).map((_, i) => (i * 37) % 256);
  const ours = tf.tidy(() => backbone.preprocess(tf.tensor4d(probe, [1, 2, 3, 3])).dataSync());
  for (let p = 0; p < 6; p++) {
    for (let c = 0; c < 3; c++) {
      const raw = probe[p * 3 + (spec.bgr ? 2 - c : c)];
      const expected = (raw - Math.fround(spec.mean[c])) / (spec.std ? Math.fround(spec.std[c]) : 1);
      if (Math.abs(expected - ours[p * 3 + c]) > 1e-4 * Math.max(1, Math.abs(expected))) {
        throw new Error(`backbone ${backbone.name}'s preprocessing no longer matches the exporter's (${JSON.stringify(spec)})`);
      }
    }
  }
  return spec;
}

/** A weight as exported: float32 values in the engine's layout (HWIO for convolutions, HWOI for transposed ones). */
export interface ExportWeight {
  shape: number[];
  data: Float32Array;
}

/**
 * One graph format's primitives (ONNX, TF GraphDef). `writeFcn` drives them in the engine's order,
 * so both exports compute exactly what FcnModel.forward computes.
 */
export interface FcnGraphWriter<T> {
  /** The raw input: [N, H, W, 3] float32 RGB 0..255. */
  input(): T;
  preprocess(x: T, spec: PreprocessSpec): T;
  /** Zero-pads bottom and right to a multiple of `multiple` (after preprocessing, as the engine does). */
  padToMultiple(x: T, multiple: number): T;
  /** Stride-1 'same' convolution with bias, then ReLU when asked. */
  conv(x: T, layer: string, relu: boolean): T;
  /** 2×2 max-pool, stride 2, no padding (inputs are multiples of 32, so floor and ceil mode agree). */
  maxPool(x: T): T;
  /** Learned upsampling: the transposed convolution conv2dTranspose(x, w, [n, h·s, w·s, c], s, 'same'). */
  upsample(x: T, layer: string, stride: number): T;
  add(a: T, b: T): T;
  /** Crops bottom and right back to the input's height and width. */
  cropToInput(x: T, input: T): T;
  /** Names the result `logits` ([N, H, W, numClasses]). */
  output(x: T): void;
}

/** Replays FcnModel.forward (inference) on a writer. */
export function writeFcn<T>(writer: FcnGraphWriter<T>, config: FcnConfig): void {
  const backbone = backbones[config.backbone];
  const image = writer.input();
  let x = writer.padToMultiple(writer.preprocess(image, preprocessSpec(backbone)), FCN_STRIDE);
  const pools: T[] = [];
  backbone.stages.forEach(([, convs], s) => {
    for (let i = 0; i < convs; i++) x = writer.conv(x, `block${s + 1}_conv${i + 1}`, true);
    x = writer.maxPool(x);
    pools.push(x);
  });
  x = writer.conv(x, 'fc6', true);
  x = writer.conv(x, 'fc7', true);
  let score = writer.conv(x, 'score_fr', false);
  if (config.head === 'fcn32s') {
    score = writer.upsample(score, 'upscore', 32);
  } else {
    score = writer.add(writer.upsample(score, 'upscore2', 2), writer.conv(pools[backbone.skips.pool4], 'score_pool4', false));
    if (config.head === 'fcn16s') {
      score = writer.upsample(score, 'upscore', 16);
    } else {
      score = writer.add(writer.upsample(score, 'upscore_pool4', 2), writer.conv(pools[backbone.skips.pool3], 'score_pool3', false));
      score = writer.upsample(score, 'upscore', 8);
    }
  }
  writer.output(writer.cropToInput(score, image));
}

/** Padding [before, after] of a 'same' convolution or transposed convolution along one axis (TensorFlow's rule). */
export function samePadding(kernel: number, stride: number): [number, number] {
  const total = Math.max(kernel - stride, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
