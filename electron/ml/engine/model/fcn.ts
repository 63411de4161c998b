import * as tf from '@tensorflow/tfjs-core';
// The union package registers every op's gradient; tfjs-core alone registers none.
import '@tensorflow/tfjs';

import type { FcnConfig } from '../types';
import { type Activation, type Backbone, type LayerOps, type ParamSpec, applyPreprocess, backbones } from './backbones';
import { bilinearKernel } from './bilinear';
import { hashSeed, mulberry32, normalArray } from './random';
import { conv2dBiasReluTrainable } from './convBiasRelu';
import { recordingGradients, relu6Trainable } from './relu6';
import { upsampleByPhases } from './upsample';

/**
 * The network's total stride. Inputs of any size run as they are: pools and strided convolutions
 * round up (TF's 'same', Caffe's ceil mode, as the PyTorch peer), an upsampled map is cropped to
 * the skip it is added to, and the scores to the input; no input is padded to a multiple of 32
 * (a 176² crop computed as 192² cost 19 % more for nothing).
 */
export const FCN_STRIDE = 32;

/** Upsampling layers of each head: [name, kernel, stride], in the order they run. */
const UPSAMPLERS: Record<FcnConfig['head'], [string, number, number][]> = {
  fcn32s: [['upscore', 64, 32]],
  fcn16s: [
    ['upscore2', 4, 2],
    ['upscore', 32, 16],
  ],
  fcn8s: [
    ['upscore2', 4, 2],
    ['upscore_pool4', 4, 2],
    ['upscore', 16, 8],
  ],
};

/** The backbone's weights, then the FCN head's: score layers and upsamplers. */
function paramSpecs(config: FcnConfig, backbone: Backbone): ParamSpec[] {
  const specs = backbone.paramSpecs();
  const C = config.numClasses;
  // The paper zero-initialises every class-scoring layer, skips included, so a new skip starts
  // as a no-op and FCN-16s/8s begin exactly where the coarser net is.
  specs.push({ name: 'score_fr/kernel', shape: [1, 1, backbone.outChannels, C], init: 'zeros' });
  specs.push({ name: 'score_fr/bias', shape: [C], init: 'zeros' });
  if (config.head !== 'fcn32s') {
    specs.push({ name: 'score_pool4/kernel', shape: [1, 1, backbone.skipChannels.pool4, C], init: 'zeros' });
    specs.push({ name: 'score_pool4/bias', shape: [C], init: 'zeros' });
  }
  if (config.head === 'fcn8s') {
    specs.push({ name: 'score_pool3/kernel', shape: [1, 1, backbone.skipChannels.pool3, C], init: 'zeros' });
    specs.push({ name: 'score_pool3/bias', shape: [C], init: 'zeros' });
  }
  for (const [name, kernel] of UPSAMPLERS[config.head]) {
    specs.push({ name: `${name}/kernel`, shape: [kernel, kernel, C, C], init: 'bilinear' });
  }
  return specs;
}

function initialValue(spec: ParamSpec, seed: number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.init === 'zeros') return new Float32Array(size);
  if (spec.init === 'bilinear') return bilinearKernel(spec.shape[2], spec.shape[0]);
  // He/Kaiming normal, fan-out mode, as the peer (torch.nn.init.kaiming_normal_(mode='fan_out')).
  // A depthwise kernel [kh, kw, C, 1] has a fan-out of kh·kw (one output per channel), as torch counts it.
  const [kh, kw, , cout] = spec.shape;
  const std = Math.sqrt(2 / (kh * kw * cout));
  return normalArray(size, std, mulberry32(hashSeed(seed, spec.name)));
}

let nextModelId = 0;

/** An FCN-32s/16s/8s: its weights as named TF.js variables and a functional forward pass. */
export class FcnModel {
  readonly config: FcnConfig;
  readonly backbone: Backbone;
  /** Weights by layer name (`block1_conv1/kernel`, `fc6/bias`, `block_3_depthwise/depthwise_kernel`, `upscore/kernel`, ...). */
  readonly weights = new Map<string, tf.Variable>();
  /** Prefix that keeps this model's variables apart from another model's in the TF.js registry. */
  readonly scope: string;

  constructor(config: FcnConfig, initial?: Map<string, tf.Tensor>) {
    this.config = config;
    this.backbone = backbones[config.backbone];
    if (!this.backbone) throw new Error(`unknown backbone ${config.backbone}`);
    if (!UPSAMPLERS[config.head]) throw new Error(`unknown head ${config.head}`);
    this.scope = `fcn${nextModelId++}`;
    for (const spec of paramSpecs(config, this.backbone)) {
      const given = initial?.get(spec.name);
      if (given && !tf.util.arraysEqual(given.shape, spec.shape)) {
        throw new Error(`weight ${spec.name} has shape [${given.shape}], the model needs [${spec.shape}]`);
      }
      const value = given ? given.clone() : tf.tensor(initialValue(spec, config.seed), spec.shape, 'float32');
      this.weights.set(spec.name, tf.variable(value, true, `${this.scope}/${spec.name}`));
      value.dispose();
    }
  }

  /** The variable registered for a layer weight. */
  w(name: string): tf.Variable {
    const v = this.weights.get(name);
    if (!v) throw new Error(`model has no weight ${name}`);
    return v;
  }

  /** Names of weights that belong to the backbone (frozen in a two-stage schedule). */
  backboneWeightNames(): string[] {
    return [...this.weights.keys()].filter((n) => this.backbone.isBackboneWeight(n));
  }

  parameterCount(): number {
    let total = 0;
    for (const v of this.weights.values()) total += v.size;
    return total;
  }

  /**
   * Logits [N, H, W, numClasses] for images [N, H, W, 3] (RGB 0..255) of any size — or, with
   * `keepPadding`, at the size the last upsampling gives (see outputSize), for a loss that ignores
   * the rows and columns past H × W itself: no crop forward and no pad of the gradient backward.
   */
  forward(images: tf.Tensor4D, training = false, keepPadding = false): tf.Tensor4D {
    return tf.tidy(() => {
      const [, h, w] = images.shape;
      const x = applyPreprocess(images, this.backbone.preprocess);
      this.networkInput = x;
      let scores: tf.Tensor4D;
      try {
        scores = this.forwardNetwork(x, training);
      } finally {
        this.networkInput = null;
      }
      const [, sh, sw] = scores.shape;
      return !keepPadding && (sh !== h || sw !== w) ? tf.slice(scores, [0, 0, 0, 0], [-1, h, w, -1]) : scores;
    });
  }

  /** The preprocessed batch of the forward pass running now (no weight depends on it). */
  private networkInput: tf.Tensor4D | null = null;

  private conv(x: tf.Tensor4D, name: string, activation: Activation, stride = 1): tf.Tensor4D {
    if (activation === 'relu' && recordingGradients()) {
      const kernel = this.w(`${name}/kernel`) as tf.Tensor4D;
      return conv2dBiasReluTrainable(x, kernel, this.w(`${name}/bias`) as tf.Tensor1D, stride, x !== this.networkInput);
    }
    const unfused = activation === 'relu6' && recordingGradients();
    const y = tf.fused.conv2d({
      x,
      filter: this.w(`${name}/kernel`) as tf.Tensor4D,
      bias: this.w(`${name}/bias`),
      strides: stride,
      pad: 'same',
      activation: unfused ? 'linear' : activation,
    });
    return unfused ? (relu6Trainable(y) as tf.Tensor4D) : y;
  }

  private depthwiseConv(x: tf.Tensor4D, name: string, activation: Activation, stride: number): tf.Tensor4D {
    // Training: ReLU6 with its one-pass gradient (relu6.ts); inference keeps the fused activation.
    const unfused = activation === 'relu6' && recordingGradients();
    const y = tf.fused.depthwiseConv2d({
      x,
      filter: this.w(`${name}/depthwise_kernel`) as tf.Tensor4D,
      bias: this.w(`${name}/bias`),
      strides: stride,
      pad: 'same',
      activation: unfused ? 'linear' : activation,
    });
    return unfused ? (relu6Trainable(y) as tf.Tensor4D) : y;
  }

  private upsample(x: tf.Tensor4D, name: string, stride: number): tf.Tensor4D {
    const [n, h, w, c] = x.shape;
    // 'same' padding crops (k − s)/2 from the full transposed convolution: exactly the paper's
    // (and the peer's) crop offset, with an output of exactly h·s × w·s.
    const kernel = this.w(`${name}/kernel`) as tf.Tensor4D;
    if (kernel.shape[0] === 2 * stride && stride % 2 === 0) return upsampleByPhases(x, kernel, stride);
    return tf.conv2dTranspose(x, kernel, [n, h * stride, w * stride, c], stride, 'same');
  }

  private dropout(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return training && this.config.dropout > 0 ? (tf.dropout(x, this.config.dropout) as tf.Tensor4D) : x;
  }

  private forwardNetwork(input: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const ops: LayerOps<tf.Tensor4D> = {
      conv: (x, layer, activation, stride) => this.conv(x, layer, activation, stride),
      depthwiseConv: (x, layer, activation, stride) => this.depthwiseConv(x, layer, activation, stride),
      maxPool: (x) => tf.maxPool(x, 2, 2, 'same'),
      add: (a, b) => tf.add(a, b),
      dropout: (x) => this.dropout(x, training),
    };
    const { out, skips } = this.backbone.features(input, ops);
    let score = this.conv(out, 'score_fr', 'linear');
    const head = this.config.head;
    if (head === 'fcn32s') return this.upsample(score, 'upscore', 32);
    score = addSkip(this.upsample(score, 'upscore2', 2), this.conv(skips.pool4, 'score_pool4', 'linear'));
    if (head === 'fcn16s') return this.upsample(score, 'upscore', 16);
    score = addSkip(this.upsample(score, 'upscore_pool4', 2), this.conv(skips.pool3, 'score_pool3', 'linear'));
    return this.upsample(score, 'upscore', 8);
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
  }
}

/**
 * An upsampled map plus the skip scores it meets: the upsampled map of a rounded-up coarser map is
 * one row or column larger where the finer map's side is odd; its extra bottom row and right
 * column are cropped (the peer's crop at the same offset).
 */
function addSkip(upsampled: tf.Tensor4D, skip: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = skip.shape;
  const [, uh, uw] = upsampled.shape;
  return tf.add(uh === h && uw === w ? upsampled : tf.slice(upsampled, [0, 0, 0, 0], [-1, h, w, -1]), skip);
}

/**
 * The size of the scores before the crop to H × W: the last upsampling's stride s (8, 16 or 32 by
 * head) times the rounded-up side of its input, s·⌈H/s⌉ × s·⌈W/s⌉.
 */
export function outputSize(head: FcnConfig['head'], height: number, width: number): { height: number; width: number } {
  const s = UPSAMPLERS[head].at(-1)![2];
  return { height: Math.ceil(height / s) * s, width: Math.ceil(width / s) * s };
}

/** Builds an FCN with freshly initialised weights (or the given ones, by layer name). */
export function buildFcn(config: FcnConfig, initial?: Map<string, tf.Tensor>): FcnModel {
  return new FcnModel(config, initial);
}
