import type { Backbone, FcnConfig, LayerOps, PreprocessSpec } from '../engine';
import { backbones } from '../engine';

export type { PreprocessSpec } from '../engine';

/** The preprocessing of each backbone: the very data the engine applies (engine/model/backbones). */
export const PREPROCESS = Object.fromEntries(Object.values(backbones).map((b) => [b.name, b.preprocess])) as Record<FcnConfig['backbone'], PreprocessSpec>;

/** The preprocessing an exported graph replays for a backbone. */
export function preprocessSpec(backbone: Backbone): PreprocessSpec {
  return backbone.preprocess;
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
export interface FcnGraphWriter<T> extends LayerOps<T> {
  /** The raw input: [N, H, W, 3] float32 RGB 0..255. */
  input(): T;
  preprocess(x: T, spec: PreprocessSpec): T;
  /** Learned upsampling: the transposed convolution conv2dTranspose(x, w, [n, h·s, w·s, c], s, 'same'). */
  upsample(x: T, layer: string, stride: number): T;
  /** Crops bottom and right back to the input's height and width. */
  cropToInput(x: T, input: T): T;
  /** Crops bottom and right to the height and width of `like` (both maps inside the network). */
  cropTo(x: T, like: T): T;
  /** Names the result `logits` ([N, H, W, numClasses]). */
  output(x: T): void;
}

/** Replays FcnModel.forward (inference) on a writer. */
export function writeFcn<T>(writer: FcnGraphWriter<T>, config: FcnConfig): void {
  const backbone = backbones[config.backbone];
  if (!backbone) throw new Error(`unknown backbone ${config.backbone}`);
  const image = writer.input();
  // As the engine: no padding of the input; pools and strided convolutions round up, and each
  // upsampled map is cropped to the skip scores it is added to.
  const x = writer.preprocess(image, preprocessSpec(backbone));
  const { out, skips } = backbone.features(x, writer);
  const addSkip = (upsampled: T, skip: T) => writer.add(writer.cropTo(upsampled, skip), skip);
  let score = writer.conv(out, 'score_fr', 'linear');
  if (config.head === 'fcn32s') {
    score = writer.upsample(score, 'upscore', 32);
  } else {
    score = addSkip(writer.upsample(score, 'upscore2', 2), writer.conv(skips.pool4, 'score_pool4', 'linear'));
    if (config.head === 'fcn16s') {
      score = writer.upsample(score, 'upscore', 16);
    } else {
      score = addSkip(writer.upsample(score, 'upscore_pool4', 2), writer.conv(skips.pool3, 'score_pool3', 'linear'));
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
