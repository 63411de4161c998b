import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { type CheckpointManifest, type FcnConfig, backbones, loadCheckpoint } from '../engine';
import { type ExportWeight, type PreprocessSpec, preprocessSpec } from './fcnGraph';
import { ONNX_OPSET, buildOnnxModel } from './onnxGraph';
import { type GraphConstant, buildTfjsGraph } from './tfjsGraph';

/** A project class as the exported classes.json names it. */
export interface ExportClass {
  /** The pixel value this class has in the project's masks. */
  value: number;
  name: string;
  /** `#rrggbb`. */
  color: string;
}

/** classes.json: output channel (argmax index) → class. */
export interface ClassesFile {
  numClasses: number;
  /** Mask value of unlabeled pixels in the training data; never predicted. */
  ignoreValue: 255;
  classes: (ExportClass & { index: number })[];
}

export interface ModelExportResult {
  /** Every file written, absolute or as given (outDir/...). */
  files: string[];
  modelConfig: FcnConfig;
  epoch: number;
}

/** Size of each weights shard of the TF.js export (what tensorflowjs_converter writes: browsers cache small files better). */
const SHARD_BYTES = 4 * 1024 * 1024;

interface LoadedWeights {
  manifest: CheckpointManifest;
  weights: Map<string, ExportWeight>;
}

async function readCheckpointWeights(checkpointDir: string): Promise<LoadedWeights> {
  const { model, optimizer, manifest } = await loadCheckpoint(checkpointDir);
  const weights = new Map<string, ExportWeight>();
  for (const [name, v] of model.weights) weights.set(name, { shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) });
  model.dispose();
  optimizer?.dispose();
  return { manifest, weights };
}

/**
 * Classes in output-channel order: by the run's classValues when the checkpoint records them
 * (the order the network was trained with), else in the order given.
 */
function orderClasses(manifest: CheckpointManifest, classes: ExportClass[]): ClassesFile {
  const numClasses = manifest.modelConfig.numClasses;
  const trained = manifest.userDefinedMetadata.classValues;
  let ordered: ExportClass[];
  if (Array.isArray(trained)) {
    ordered = (trained as number[]).map((value) => {
      const found = classes.find((c) => c.value === value);
      if (!found) throw new Error(`the checkpoint was trained with class value ${value}, which none of the given classes has`);
      return found;
    });
  } else {
    ordered = classes;
  }
  if (ordered.length !== numClasses) throw new Error(`the checkpoint predicts ${numClasses} classes, ${ordered.length} were given`);
  return {
    numClasses,
    ignoreValue: 255,
    classes: ordered.map((c, index) => ({ index, value: c.value, name: c.name, color: c.color })),
  };
}

function describePreprocess(spec: PreprocessSpec): string {
  const mean = spec.mean.map((m) => Number(m.toFixed(4))).join(', ');
  const steps = [
    spec.bgr ? 'reorders the channels to BGR' : 'keeps the channels in RGB order',
    `subtracts the per-channel mean [${mean}] (in 0..255 units, ${spec.bgr ? 'BGR' : 'RGB'} order)`,
  ];
  if (spec.std) steps.push(`divides by the per-channel std [${spec.std.map((s) => Number(s.toFixed(4))).join(', ')}]`);
  else steps.push('applies no scaling (Caffe/Keras "caffe" mode, what VGG16 weights expect)');
  return steps.join(', ');
}

function readme(format: 'tfjs' | 'onnx', manifest: CheckpointManifest, classes: ClassesFile, files: string): string {
  const config = manifest.modelConfig;
  const spec = preprocessSpec(backbones[config.backbone]);
  const scaling = manifest.userDefinedMetadata.scaling as { longSide?: number } | undefined;
  const runId = manifest.userDefinedMetadata.runId;
  const usage =
    format === 'onnx'
      ? [
          '```js',
          "const ort = require('onnxruntime-node'); // or onnxruntime-web",
          "const session = await ort.InferenceSession.create('model.onnx');",
          "const { logits } = await session.run({ image: new ort.Tensor('float32', rgb, [1, height, width, 3]) });",
          '```',
        ]
      : [
          '```js',
          "const model = await tf.loadGraphModel('model.json'); // served over http(s), or any tf.io handler",
          'const logits = model.predict(tf.tensor4d(rgb, [1, height, width, 3]));',
          '```',
          '',
          'The graph uses `_FusedConv2D` (and `FusedDepthwiseConv2dNative` for MobileNetV2), `Conv2DBackpropInput`, `MaxPool`, `AddV2`, `Pad`, `Slice` and a few shape ops, all of which TF.js runs on every backend.',
        ];
  const lines = [
    `# FCN Studio model export (${format === 'onnx' ? `ONNX, opset ${ONNX_OPSET}` : 'TensorFlow.js graph model'})`,
    '',
    `${config.head.toUpperCase()} on a ${config.backbone} backbone, ${config.numClasses} classes, epoch ${manifest.epoch}${runId !== undefined ? `, run ${String(runId)}` : ''}.`,
    `Files: ${files}, \`classes.json\`, this README.`,
    '',
    '## Input',
    '',
    '`image`: float32 `[N, H, W, 3]` (NHWC), **RGB, values 0..255** — raw decoded pixels, no normalisation. N, H and W are free.',
    scaling?.longSide
      ? `Training resized images so that their longer side was at most ${scaling.longSide} px (never enlarged); resize yours the same way for the results the studio shows.`
      : 'Feed images at the scale the model was trained at.',
    '',
    '## What the model does inside (you do not need to repeat it)',
    '',
    `1. Preprocessing for the ${config.backbone} backbone: ${describePreprocess(spec)}.`,
    '2. Runs the network at the input\'s own size (3×3 "same" convolutions with ReLU, 2×2/2 max-pools rounding odd sides up, fc6/fc7 as convolutions, 1×1 score layers, learned transposed-convolution upsampling — in the ONNX graph as 2×2 convolutions per output phase and a DepthToSpace — with skip additions, each upsampled map cropped to its skip\'s size).',
    '3. Crops the scores back to H×W.',
    '',
    '## Output',
    '',
    `\`logits\`: float32 \`[N, H, W, ${config.numClasses}]\` (NHWC), unnormalised class scores. Apply softmax for probabilities;`,
    '`argmax` over the last axis gives the class **index**; `classes.json` maps index → mask value, name and colour.',
    `Unlabeled (mask value ${classes.ignoreValue}) is never predicted.`,
    '',
    '## Usage',
    '',
    ...usage,
    '',
  ];
  return lines.join('\n');
}

async function writeSidecars(dir: string, format: 'tfjs' | 'onnx', manifest: CheckpointManifest, classes: ClassesFile, files: string): Promise<string[]> {
  const classesPath = join(dir, 'classes.json');
  const readmePath = join(dir, 'README.md');
  await writeFile(classesPath, `${JSON.stringify(classes, null, 2)}\n`);
  await writeFile(readmePath, readme(format, manifest, classes, files));
  return [classesPath, readmePath];
}

/**
 * Writes a checkpoint as an ONNX model at `outPath` (opset 13, input `image` [N, H, W, 3] RGB 0..255
 * with N/H/W dynamic, output `logits` [N, H, W, C]), with classes.json and README.md beside it.
 */
export async function exportOnnxModel(checkpointDir: string, outPath: string, classes: ExportClass[]): Promise<ModelExportResult> {
  const { manifest, weights } = await readCheckpointWeights(checkpointDir);
  const classesFile = orderClasses(manifest, classes);
  const config = manifest.modelConfig;
  const doc = `FCN Studio ${config.head}/${config.backbone}, ${config.numClasses} classes, epoch ${manifest.epoch}. Input image [N,H,W,3] RGB 0..255; output logits [N,H,W,C]; see README.md.`;
  const bytes = buildOnnxModel(config, weights, doc);
  const dir = dirname(outPath);
  await mkdir(dir, { recursive: true });
  await writeFile(outPath, bytes);
  const sidecars = await writeSidecars(dir, 'onnx', manifest, classesFile, `\`${basename(outPath)}\``);
  return { files: [outPath, ...sidecars], modelConfig: config, epoch: manifest.epoch };
}

/** Lays the constants out in one buffer (tf.io's weights layout) and cuts it into shards. */
function encodeConstants(constants: GraphConstant[]): { specs: tf.io.WeightsManifestEntry[]; shards: Uint8Array[] } {
  const total = constants.reduce((sum, c) => sum + c.data.byteLength, 0);
  const buffer = new Uint8Array(total);
  let offset = 0;
  for (const c of constants) {
    buffer.set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), offset);
    offset += c.data.byteLength;
  }
  const shards: Uint8Array[] = [];
  for (let start = 0; start < total; start += SHARD_BYTES) shards.push(buffer.subarray(start, Math.min(total, start + SHARD_BYTES)));
  return { specs: constants.map(({ name, dtype, shape }) => ({ name, dtype, shape })), shards };
}

/**
 * Writes a checkpoint as a TF.js graph model folder (model.json + group1-shard*.bin, what
 * tf.loadGraphModel reads), with classes.json and README.md. Same input and output as the ONNX export.
 */
export async function exportTfjsModel(checkpointDir: string, outDir: string, classes: ExportClass[]): Promise<ModelExportResult> {
  const { manifest, weights } = await readCheckpointWeights(checkpointDir);
  const classesFile = orderClasses(manifest, classes);
  const config = manifest.modelConfig;
  const graph = buildTfjsGraph(config, weights);
  const { specs, shards } = encodeConstants(graph.constants);
  const paths = shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'FCN Studio',
    convertedBy: `FCN Studio model export (TensorFlow.js ${tf.version.tfjs})`,
    modelTopology: graph.modelTopology,
    signature: graph.signature,
    userDefinedMetadata: { modelConfig: config, epoch: manifest.epoch, classes: classesFile },
    weightsManifest: [{ paths, weights: specs }],
  };
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < shards.length; i++) {
    files.push(join(outDir, paths[i]));
    await writeFile(files[i], shards[i]);
  }
  const modelPath = join(outDir, 'model.json');
  await writeFile(modelPath, JSON.stringify(modelJson));
  const sidecars = await writeSidecars(outDir, 'tfjs', manifest, classesFile, '`model.json` with its weight shards `group1-shard*.bin`');
  return { files: [modelPath, ...files, ...sidecars], modelConfig: config, epoch: manifest.epoch };
}

/**
 * Loads a TF.js export from disk (tf.loadGraphModel's file:// handler needs tfjs-node, which we do not ship).
 * `model.predict(images)` then gives the logits.
 */
export async function loadTfjsModel(dir: string): Promise<tf.GraphModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const handler: tf.io.IOHandler = {
    load: async () => {
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const path of group.paths) buffers.push(await readFile(join(dir, path)));
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
  return tf.loadGraphModel(handler);
}

/** Both exports of one checkpoint: `outDir/tfjs/` and `outDir/onnx/model.onnx`, each with classes.json and README.md. */
export async function exportModel(checkpointDir: string, outDir: string, classes: ExportClass[]): Promise<ModelExportResult> {
  const tfjs = await exportTfjsModel(checkpointDir, join(outDir, 'tfjs'), classes);
  const onnxResult = await exportOnnxModel(checkpointDir, join(outDir, 'onnx', 'model.onnx'), classes);
  return { files: [...tfjs.files, ...onnxResult.files], modelConfig: tfjs.modelConfig, epoch: tfjs.epoch };
}
