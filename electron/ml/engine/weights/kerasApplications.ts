import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../../shared/contract/errors';
import type { WeightsReport } from '../../../../shared/contract/mlContract';
import { backbones } from '../model/backbones';
import { openKerasWeights, type KerasLayer, type KerasWeight, type KerasWeightsFile } from './kerasHdf5';

/** A weight in the engine's naming (`block1_conv1/kernel`), as plain values. */
export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

export interface MappedWeights {
  weights: Map<string, NamedWeight>;
  report: WeightsReport;
}

/** Keras BatchNormalization's epsilon in MobileNetV2. */
const BN_EPSILON = 1e-3;

/**
 * One layer of ours taken from the file: a conv's kernel and bias (VGG), a conv with the
 * BatchNormalization after it folded in (MobileNetV2), or a Dense layer reshaped into a conv
 * (VGG's fc1/fc2 → fc6/fc7).
 */
interface LayerSource {
  /** Our layer name; its weights are `<name>/<kernelName>` and `<name>/bias`. */
  layer: string;
  kernelName: 'kernel' | 'depthwise_kernel';
  keras: string;
  bn?: string;
  /** fc6/fc7 may be missing (a file without top); they are then freshly initialised. */
  optional?: boolean;
}

/** The weights a backbone is built with, by name: what a Keras file must provide for it. */
export function backboneWeightShapes(backbone: string): Map<string, number[]> {
  const spec = (backbones as Record<string, { paramSpecs(): Array<{ name: string; shape: number[] }> } | undefined>)[backbone];
  if (!spec) throw new AppError('BAD_REQUEST', `unknown backbone ${backbone}`);
  return new Map(spec.paramSpecs().map((p) => [p.name, p.shape]));
}

/** Keras MobileNetV2 names each conv's BatchNormalization `<conv>_BN`, except the first and the last. */
const MOBILENET_V2_BN: Record<string, string> = { Conv1: 'bn_Conv1', Conv_1: 'Conv_1_bn' };

/** Which Keras model a backbone's weights come from, and the Keras layer behind each of ours. */
function layerSources(backbone: string, expected: Map<string, number[]>): { family: 'VGG16' | 'MobileNetV2'; sources: LayerSource[] } {
  const layers = [...expected.keys()].filter((n) => /\/(depthwise_)?kernel$/.test(n));
  if (expected.has('Conv1/kernel')) {
    return {
      family: 'MobileNetV2',
      sources: layers.map((name) => {
        const [layer, kernelName] = name.split('/') as [string, LayerSource['kernelName']];
        return { layer, kernelName, keras: layer, bn: MOBILENET_V2_BN[layer] ?? `${layer}_BN` };
      }),
    };
  }
  if (expected.has('block1_conv1/kernel')) {
    const fc: Record<string, string> = { fc6: 'fc1', fc7: 'fc2' };
    return {
      family: 'VGG16',
      sources: layers.map((name) => {
        const layer = name.split('/')[0];
        return { layer, kernelName: 'kernel', keras: fc[layer] ?? layer, optional: layer in fc };
      }),
    };
  }
  throw new AppError('BAD_REQUEST', `the ${backbone} backbone has no Keras-applications counterpart to take weights from`);
}

/** Which Keras-applications model a file holds, told by layer names only it has. */
const KERAS_MODELS: Array<[string, (names: Set<string>) => boolean]> = [
  ['VGG19', (n) => n.has('block5_conv4')],
  ['VGG16', (n) => n.has('block1_conv1') && n.has('block5_conv3')],
  ['MobileNetV2', (n) => n.has('block_1_expand') || n.has('expanded_conv_project')],
  ['MobileNet', (n) => n.has('conv_dw_1')],
  ['MobileNetV3', (n) => n.has('expanded_conv/project') || n.has('expanded_conv/depthwise')],
  ['ResNet50V2', (n) => n.has('conv2_block1_preact_bn')],
  ['ResNet101/152', (n) => n.has('conv4_block7_1_conv')],
  ['ResNet50', (n) => n.has('conv2_block1_1_conv') || n.has('res2a_branch2a')],
  ['DenseNet', (n) => n.has('pool2_conv')],
  ['Xception', (n) => n.has('block14_sepconv1')],
  ['InceptionResNetV2', (n) => n.has('block35_1')],
  ['InceptionV3', (n) => n.has('mixed10')],
  ['EfficientNet', (n) => n.has('stem_conv')],
  ['ConvNeXt', (n) => [...n].some((x) => x.includes('convnext'))],
];

export function recogniseKerasModel(layerNames: Iterable<string>): string | null {
  const names = new Set(layerNames);
  return KERAS_MODELS.find(([, test]) => test(names))?.[0] ?? null;
}

const shapeText = (shape: number[]) => `[${shape.join(', ')}]`;
const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Picks a weight by its Keras name (`…/gamma:0`, `…_W_1:0`), else by position, as Keras itself loads them. */
function pick(layer: KerasLayer, names: string[], position: number): KerasWeight | undefined {
  const base = (w: KerasWeight) => w.name.split('/').pop()!.replace(/(_\d+)?:\d+$/, '');
  return layer.weights.find((w) => names.some((n) => base(w) === n || base(w).endsWith(`_${n}`))) ?? layer.weights[position];
}

class Mapper {
  private readonly layers: Map<string, KerasLayer>;
  readonly kerasModel: string | null;

  constructor(
    private readonly file: KerasWeightsFile,
    private readonly backbone: string,
    private readonly expected: Map<string, number[]>,
    private readonly family: string,
  ) {
    this.layers = new Map(file.layers.map((l) => [l.name, l]));
    this.kerasModel = recogniseKerasModel(this.layers.keys());
  }

  /** The file's story, for an error message: which model it looks like, and what to do. */
  private looksLike(): string {
    const wanted = this.family;
    if (this.kerasModel === wanted) return '';
    if (this.kerasModel) return `; this looks like ${this.kerasModel} weights, not ${wanted}`;
    const sample = this.file.layers.filter((l) => l.weights.length).slice(0, 4).map((l) => l.name);
    return `; the file's layers (${sample.join(', ') || 'none with weights'}…) are not ${wanted}'s`;
  }

  private widthHint(): string {
    if (this.kerasModel === 'VGG16' && this.backbone !== 'vgg16') return ` (full-width VGG16 weights fit only --backbone vgg16)`;
    return '';
  }

  layer(name: string, optional = false): KerasLayer | null {
    const layer = this.layers.get(name);
    if (layer && layer.weights.length) return layer;
    if (optional) return null;
    throw new AppError('BAD_REQUEST', `the weights file has no layer "${name}" that the ${this.backbone} backbone needs${this.looksLike()}`);
  }

  checkShape(name: string, fileShape: number[], wanted: number[], fileName: string): void {
    if (fileShape.length === wanted.length && fileShape.every((d, i) => d === wanted[i])) return;
    throw new AppError('BAD_REQUEST', 
      `${fileName} in the weights file has shape ${shapeText(fileShape)}, the ${this.backbone} backbone's ${name} needs ${shapeText(wanted)}${this.looksLike()}${this.widthHint()}`,
    );
  }

  expectedShape(name: string): number[] {
    const shape = this.expected.get(name);
    if (!shape) throw new AppError('BAD_REQUEST', `the ${this.backbone} backbone has no weight ${name}`);
    return shape;
  }
}

/** MobileNetV2's width multiplier, read off the last block's output channels (320·alpha). */
function mobileNetAlpha(file: KerasWeightsFile): number | null {
  const project = file.layers.find((l) => l.name === 'block_16_project');
  const kernel = project?.weights[0];
  return kernel && kernel.shape.length === 4 ? kernel.shape[3] / 320 : null;
}

/**
 * Folds a BatchNormalization into the convolution before it: per output channel c,
 * kernel·γ/√(var+ε) and β − mean·γ/√(var+ε) (plus the conv's own bias, scaled, when it has one).
 * A depthwise kernel [kh, kw, C, M] has C·M output channels, ordered c·M + m, so in both kinds the
 * channel of flat element i is i mod (number of channels).
 */
export function foldBatchNorm(
  kernel: Float32Array,
  bias: Float32Array | null,
  bn: { gamma: Float32Array | null; beta: Float32Array | null; mean: Float32Array; variance: Float32Array },
  epsilon = BN_EPSILON,
): { kernel: Float32Array; bias: Float32Array } {
  const channels = bn.mean.length;
  const scale = new Float32Array(channels);
  const folded = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (bn.gamma ? bn.gamma[c] : 1) / Math.sqrt(bn.variance[c] + epsilon);
    folded[c] = (bn.beta ? bn.beta[c] : 0) + ((bias ? bias[c] : 0) - bn.mean[c]) * scale[c];
  }
  const out = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) out[i] = kernel[i] * scale[i % channels];
  return { kernel: out, bias: folded };
}

function plan(file: KerasWeightsFile, backbone: string, expected: Map<string, number[]>) {
  const { family, sources } = layerSources(backbone, expected);
  const mapper = new Mapper(file, backbone, expected, family);
  if (family === 'MobileNetV2' && mapper.kerasModel === 'MobileNetV2') {
    const alpha = mobileNetAlpha(file);
    if (alpha !== null && Math.abs(alpha - 1) > 1e-6) {
      throw new AppError('BAD_REQUEST', 
        `this is MobileNetV2 with alpha ${+alpha.toFixed(2)} (block_16_project has ${Math.round(alpha * 320)} output channels); the mobilenetv2 backbone needs alpha 1.0 weights (mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5)`,
      );
    }
  }
  return { mapper, sources };
}

/**
 * Maps a Keras-applications file onto a backbone's weights, checking every name and shape against
 * what the model is built with before any value is read.
 *
 * VGG16: block convs are taken as they are (Keras stores conv kernels HWIO, as TF.js does). fc1's
 * kernel [7·7·512, 4096] becomes fc6's [7, 7, 512, 4096] by a plain reshape: Keras' Flatten over a
 * channels_last [7, 7, 512] map is row-major (h, w, c), so Dense row (h·7 + w)·512 + c meets
 * pixel (h, w) channel c, exactly where a 7×7 valid convolution puts kernel[h][w][c]; fc2 is a 1×1
 * conv likewise. `predictions` (the 1000 ImageNet classes) is not used. A file without top leaves
 * fc6/fc7 freshly initialised.
 *
 * MobileNetV2: each conv (Keras' have no bias) with its BatchNormalization folded in.
 */
export async function readKerasBackboneWeights(
  path: string,
  backbone: string,
  expected = backboneWeightShapes(backbone),
  readValues = true,
): Promise<MappedWeights> {
  const file = await openKerasWeights(path);
  try {
    const { mapper, sources } = plan(file, backbone, expected);
    // Check everything first: a wrong file fails in milliseconds, before 500 MB are read.
    const steps: Array<() => void> = [];
    const weights = new Map<string, NamedWeight>();
    const loaded: string[] = [];
    const initialised: string[] = [];
    const used = new Set<string>();
    for (const source of sources) {
      const layer = mapper.layer(source.keras, source.optional);
      if (!layer) {
        initialised.push(source.layer);
        continue;
      }
      used.add(layer.name);
      const kernelName = `${source.layer}/${source.kernelName}`;
      const biasName = `${source.layer}/bias`;
      const wantKernel = mapper.expectedShape(kernelName);
      const wantBias = mapper.expectedShape(biasName);
      const kernel = pick(layer, ['kernel', 'depthwise_kernel', 'W'], 0)!;
      const bias = source.bn ? null : pick(layer, ['bias', 'b'], 1);
      if (source.layer === 'fc6' || source.layer === 'fc7') {
        // A Dense kernel [in, out] reshaped into a conv kernel: same element order, so only the size must agree.
        if (kernel.shape.length !== 2 || product(kernel.shape) !== product(wantKernel) || kernel.shape[1] !== wantKernel[3]) {
          mapper.checkShape(kernelName, kernel.shape, wantKernel, `${layer.name}'s kernel`);
        }
      } else {
        mapper.checkShape(kernelName, kernel.shape, wantKernel, `${layer.name}'s ${source.kernelName}`);
      }
      if (!source.bn) {
        if (!bias) throw new AppError('BAD_REQUEST', `layer ${layer.name} in the weights file has no bias`);
        mapper.checkShape(biasName, bias.shape, wantBias, `${layer.name}'s bias`);
        steps.push(() => {
          weights.set(kernelName, { shape: wantKernel, data: kernel.read() });
          weights.set(biasName, { shape: wantBias, data: bias.read() });
        });
      } else {
        const bnLayer = mapper.layer(source.bn)!;
        used.add(bnLayer.name);
        const four = bnLayer.weights.length >= 4;
        const gamma = four ? pick(bnLayer, ['gamma'], 0) : undefined;
        const beta = four ? pick(bnLayer, ['beta'], 1) : undefined;
        const mean = pick(bnLayer, ['moving_mean'], bnLayer.weights.length - 2);
        const variance = pick(bnLayer, ['moving_variance'], bnLayer.weights.length - 1);
        for (const [what, w] of [['gamma', gamma], ['beta', beta], ['moving_mean', mean], ['moving_variance', variance]] as const) {
          if (w) mapper.checkShape(biasName, w.shape, wantBias, `${bnLayer.name}'s ${what}`);
        }
        if (!mean || !variance) throw new AppError('BAD_REQUEST', `BatchNormalization layer ${bnLayer.name} in the weights file has no moving mean and variance`);
        const convBias = layer.weights.length > 1 ? pick(layer, ['bias'], 1) : undefined;
        steps.push(() => {
          const folded = foldBatchNorm(kernel.read(), convBias?.read() ?? null, {
            gamma: gamma?.read() ?? null,
            beta: beta?.read() ?? null,
            mean: mean.read(),
            variance: variance.read(),
          });
          weights.set(kernelName, { shape: wantKernel, data: folded.kernel });
          weights.set(biasName, { shape: wantBias, data: folded.bias });
        });
      }
      loaded.push(source.layer);
    }
    if (readValues) for (const step of steps) step();
    return {
      weights,
      report: {
        kerasModel: mapper.kerasModel ?? 'unknown',
        layout: file.layout,
        loaded,
        initialised,
        ignored: file.layers.filter((l) => l.weights.length && !used.has(l.name)).map((l) => l.name),
      },
    };
  } finally {
    file.close();
  }
}

/** The same checks without reading a value: what a run would load from the file (milliseconds, any file size). */
export async function inspectKerasBackboneWeights(path: string, backbone: string, expected = backboneWeightShapes(backbone)): Promise<WeightsReport> {
  return (await readKerasBackboneWeights(path, backbone, expected, false)).report;
}

/** The file's backbone weights as tensors for buildFcn's `initial`; the caller disposes them once the model holds copies. */
export async function kerasInitialTensors(path: string, backbone: string): Promise<{ tensors: Map<string, tf.Tensor>; report: WeightsReport }> {
  const { weights, report } = await readKerasBackboneWeights(path, backbone);
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, w] of weights) {
    tensors.set(name, tf.tensor(w.data, w.shape, 'float32'));
    weights.delete(name);
  }
  return { tensors, report };
}
