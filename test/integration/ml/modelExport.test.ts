import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type FcnConfig, type FcnModel, MOBILENETV2_BLOCKS, buildFcn, saveCheckpoint, selectBackend } from '../../../electron/ml/engine';
import { type ClassesFile, type ExportClass, exportOnnxModel, exportTfjsModel, loadTfjsModel } from '../../../electron/ml/export';

const CLASSES: ExportClass[] = [
  { value: 0, name: 'background', color: '#000000' },
  { value: 3, name: 'road', color: '#804080' },
  { value: 7, name: 'car', color: '#400080' },
];
/** Odd sizes exercise the pad-to-32 and crop; 64×64 needs neither. */
const SIZES: [number, number][] = [
  [45, 61],
  [64, 64],
];
const TOLERANCE = 1e-4;

function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Every weight random and non-zero — score layers and upsampling kernels included, which a fresh
 * model has zero or bilinear (symmetric: a flipped kernel would pass unnoticed).
 */
const residualProjections = new Set(MOBILENETV2_BLOCKS.filter((b) => b.residual).map((b) => `${b.prefix}_project/kernel`));

function randomModel(config: FcnConfig): FcnModel {
  const fresh = buildFcn(config);
  const rand = gaussian(config.seed);
  const initial = new Map<string, tf.Tensor>();
  for (const [name, v] of fresh.weights) {
    // He scaling keeps activations of order one; each upsampled pixel sums 2×2 taps per input channel.
    let std = 0.1;
    if (v.shape.length === 4) {
      // A depthwise kernel [kh, kw, C, 1] has a fan-in of kh·kw.
      const fanIn = v.shape[0] * v.shape[1] * (name.endsWith('/depthwise_kernel') ? 1 : v.shape[2]);
      std = Math.sqrt(2 / fanIn);
    }
    if (name.includes('upscore')) std = 1 / Math.sqrt(4 * config.numClasses);
    // MobileNetV2's residual branches scaled down, as in the engine's own initialisation: ten
    // residual sums of full-scale branches give logits of order 40, whose float32 rounding alone
    // nears 1e-4.
    if (residualProjections.has(name)) std *= 0.3;
    initial.set(name, tf.tensor(Float32Array.from({ length: v.size }, () => rand() * std), v.shape));
  }
  fresh.dispose();
  const model = buildFcn(config, initial);
  tf.dispose([...initial.values()]);
  return model;
}

function randomImages(n: number, h: number, w: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * h * w * 3 }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 255);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

let root: string;

beforeAll(async () => {
  await selectBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'fcn-model-export-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each<[FcnConfig['head'], FcnConfig['backbone']]>([
  ['fcn8s', 'small'],
  ['fcn16s', 'small'],
  ['fcn32s', 'small'],
  // Strided and depthwise convolutions, ReLU6, residual additions.
  ['fcn8s', 'mobilenetv2'],
])('%s/%s exported as ONNX and TF.js', (head, backbone) => {
  const config: FcnConfig = { head, backbone, numClasses: CLASSES.length, dropout: 0.5, seed: head.length * 7 + 3 };
  const where = `${head}-${backbone}`;
  let model: FcnModel;
  let checkpoint: string;

  beforeAll(async () => {
    model = randomModel(config);
    checkpoint = join(root, where, 'checkpoint');
    // Channel order as the trainer records it: class values sorted, not the order given to the exporter.
    await saveCheckpoint(checkpoint, model, { epoch: 4, metadata: { classValues: [0, 3, 7], scaling: { longSide: 480 }, runId: 12 } });
  });

  afterAll(() => model.dispose());

  /** The engine's logits for the same images (cpu backend), as the reference. */
  function ours(images: Float32Array, shape: [number, number, number, number]): Float32Array {
    const x = tf.tensor4d(images, shape);
    const logits = model.forward(x, false);
    const out = logits.dataSync() as Float32Array;
    tf.dispose([x, logits]);
    return out;
  }

  it('runs in onnxruntime-node with logits equal to the engine\'s within 1e-4 at odd sizes', async () => {
    const path = join(root, where, 'onnx', 'model.onnx');
    await exportOnnxModel(checkpoint, path, [CLASSES[2], CLASSES[0], CLASSES[1]]);
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, executionProviders: ['cpu'] });
    try {
      expect(session.inputNames).toEqual(['image']);
      expect(session.outputNames).toEqual(['logits']);
      for (const [h, w] of SIZES) {
        const n = h === w ? 1 : 2;
        const images = randomImages(n, h, w, h * 1000 + w);
        const expected = ours(images, [n, h, w, 3]);
        const { logits } = await session.run({ image: new ort.Tensor('float32', images, [n, h, w, 3]) });
        expect(logits.dims).toEqual([n, h, w, CLASSES.length]);
        // Logits of order one: an absolute tolerance of 1e-4 is then a meaningful one.
        expect(maxAbs(expected)).toBeGreaterThan(0.5);
        expect(maxAbsDiff(logits.data as Float32Array, expected), `${h}×${w}`).toBeLessThan(TOLERANCE);
      }
    } finally {
      await session.release();
    }
    const sidecar = JSON.parse(await readFile(join(root, where, 'onnx', 'classes.json'), 'utf8')) as ClassesFile;
    expect(sidecar.classes.map((c) => [c.index, c.value, c.name])).toEqual([
      [0, 0, 'background'],
      [1, 3, 'road'],
      [2, 7, 'car'],
    ]);
    const readme = await readFile(join(root, where, 'onnx', 'README.md'), 'utf8');
    expect(readme).toMatch(/RGB, values 0\.\.255/);
    expect(readme).toMatch(/divides by the per-channel std/);
  });

  it('loads back as a TF.js graph model with the same logits', async () => {
    const dir = join(root, where, 'tfjs');
    await exportTfjsModel(checkpoint, dir, CLASSES);
    const files = await readdir(dir);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'classes.json', 'model.json']));
    expect(files.filter((f) => /^group1-shard\d+of\d+\.bin$/.test(f)).length).toBeGreaterThan(0);
    const graph = await loadTfjsModel(dir);
    try {
      for (const [h, w] of SIZES) {
        const images = randomImages(1, h, w, h + w);
        const expected = ours(images, [1, h, w, 3]);
        const x = tf.tensor4d(images, [1, h, w, 3]);
        const logits = graph.predict(x) as tf.Tensor;
        expect(logits.shape).toEqual([1, h, w, CLASSES.length]);
        expect(maxAbsDiff(logits.dataSync(), expected), `${h}×${w}`).toBeLessThan(TOLERANCE);
        tf.dispose([x, logits]);
      }
    } finally {
      graph.dispose();
    }
  });
});

describe('exporting a checkpoint', () => {
  it('refuses classes that do not cover what the network was trained on', async () => {
    const model = randomModel({ head: 'fcn32s', backbone: 'tiny', numClasses: 3, dropout: 0, seed: 5 });
    const checkpoint = join(root, 'mismatch', 'checkpoint');
    await saveCheckpoint(checkpoint, model, { epoch: 1, metadata: { classValues: [0, 3, 9] } });
    model.dispose();
    await expect(exportOnnxModel(checkpoint, join(root, 'mismatch', 'model.onnx'), CLASSES)).rejects.toThrow(/class value 9/);
  });
});
