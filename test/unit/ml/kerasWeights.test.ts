import * as tf from '@tensorflow/tfjs-core';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFcn, selectBackend } from '../../../electron/ml/engine';
import {
  backboneWeightShapes,
  inspectKerasBackboneWeights,
  kerasInitialTensors,
  readKerasBackboneWeights,
} from '../../../electron/ml/engine/weights/kerasApplications';
import { openKerasWeights } from '../../../electron/ml/engine/weights/kerasHdf5';
import { tempDir } from '../../fixtures/images';
import { mobileNetV2Layers, randomValues, vggLayers, writeKerasWeights, writePlainHdf5, type FixtureLayer } from '../../fixtures/kerasWeights';

let dir: string;
/** The small backbone's VGG layout: VGG16's widths / 8, fc6 7×7, fc6/fc7 256 wide. */
const small = { stages: [[8, 2], [16, 2], [32, 3], [64, 3], [64, 3]] as [number, number][], fcKernel: 7, fcWidth: 256 };
const smallTop = () => vggLayers({ ...small, top: true });
const layerData = (layers: FixtureLayer[], layer: string, i: number) => layers.find((l) => l.name === layer)!.weights[i].data;

beforeAll(async () => {
  await selectBackend('cpu');
  dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('VGG16-layout Keras files', () => {
  it('loads convs as they are and reshapes fc1/fc2 into fc6/fc7, ignoring predictions', async () => {
    const layers = smallTop();
    const path = join(dir, 'small_top.h5');
    await writeKerasWeights(path, layers);
    const { weights, report } = await readKerasBackboneWeights(path, 'small');
    expect(report).toMatchObject({ kerasModel: 'VGG16', layout: 'weights', initialised: [], ignored: ['predictions'] });
    expect(report.loaded).toEqual([...backboneWeightShapes('small').keys()].filter((n) => n.endsWith('/kernel')).map((n) => n.split('/')[0]));
    expect(weights.get('block3_conv2/kernel')!.data).toEqual(layerData(layers, 'block3_conv2', 0));
    expect(weights.get('block3_conv2/bias')!.data).toEqual(layerData(layers, 'block3_conv2', 1));
    expect(weights.get('fc6/kernel')!.shape).toEqual([7, 7, 64, 256]);
    expect(weights.get('fc6/kernel')!.data).toEqual(layerData(layers, 'fc1', 0));
    expect(weights.get('fc7/kernel')!.shape).toEqual([1, 1, 256, 256]);
    expect(weights.get('fc7/bias')!.data).toEqual(layerData(layers, 'fc2', 1));
  });

  it('builds an FCN whose convs compute what the Keras layers compute (fc6 = Dense over the flattened 7×7 map)', async () => {
    const layers = smallTop();
    const path = join(dir, 'small_top_e2e.h5');
    await writeKerasWeights(path, layers);
    const { weights } = await readKerasBackboneWeights(path, 'small');
    const initial = new Map([...weights].map(([name, w]) => [name, tf.tensor(w.data, w.shape)]));
    const model = buildFcn({ head: 'fcn8s', backbone: 'small', numClasses: 3, dropout: 0.5, seed: 1 }, initial);
    initial.forEach((t) => t.dispose());
    try {
      const x = tf.tensor4d(randomValues([1, 9, 11, 3], 5, 50), [1, 9, 11, 3]);
      const fromModel = tf.conv2d(x, model.w('block1_conv1/kernel') as tf.Tensor4D, 1, 'same').add(model.w('block1_conv1/bias'));
      const fromFile = tf.conv2d(x, tf.tensor4d(layerData(layers, 'block1_conv1', 0), [3, 3, 3, 8]), 1, 'same').add(tf.tensor1d(layerData(layers, 'block1_conv1', 1)));
      expect(tf.max(tf.abs(tf.sub(fromModel, fromFile))).dataSync()[0]).toBeLessThan(1e-6);

      // Keras: Flatten (row-major h, w, c) then Dense fc1. Ours: a 7×7 valid convolution with fc6.
      const pool5 = tf.tensor4d(randomValues([1, 7, 7, 64], 9, 1), [1, 7, 7, 64]);
      const dense = tf.matMul(pool5.reshape([1, 7 * 7 * 64]), tf.tensor2d(layerData(layers, 'fc1', 0), [7 * 7 * 64, 256])).add(tf.tensor1d(layerData(layers, 'fc1', 1)));
      const asConv = tf.conv2d(pool5, model.w('fc6/kernel') as tf.Tensor4D, 1, 'valid').add(model.w('fc6/bias')).reshape([1, 256]);
      expect(tf.max(tf.abs(tf.sub(dense, asConv))).dataSync()[0]).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });

  it('reads Keras 1 weight names (block1_conv1_W_1:0, fc1_b_1:0), as in the keras-applications VGG16 files', async () => {
    const layers = smallTop().map((l) => ({
      ...l,
      weights: l.weights.map((w) => ({ ...w, name: w.name.replace('/kernel:0', '_W_1:0').replace('/bias:0', '_b_1:0') })),
    }));
    const path = join(dir, 'small_keras1.h5');
    await writeKerasWeights(path, layers);
    const { weights } = await readKerasBackboneWeights(path, 'small');
    expect(weights.get('block2_conv2/kernel')!.data).toEqual(layerData(layers, 'block2_conv2', 0));
    expect(weights.get('fc7/bias')!.data).toEqual(layerData(layers, 'fc2', 1));
  });

  it('reads a dataset larger than one read block (VGG16 fc1 is 411 MB) block by block, values intact', async () => {
    const shape = [4100, 1100];
    const data = randomValues(shape, 77);
    const path = join(dir, 'big.h5');
    await writeKerasWeights(path, [{ name: 'fc1', weights: [{ name: 'fc1/kernel:0', shape, data }] }]);
    const file = await openKerasWeights(path);
    try {
      const read = file.layers[0].weights[0].read();
      expect(read.length).toBe(data.length);
      expect(read.every((v, i) => v === data[i])).toBe(true);
    } finally {
      file.close();
    }
  });

  it('without top loads the convs and leaves fc6/fc7 freshly initialised', async () => {
    const path = join(dir, 'small_notop.h5');
    await writeKerasWeights(path, vggLayers({ stages: small.stages, fcKernel: 7, fcWidth: 256, top: false }));
    const { weights, report } = await readKerasBackboneWeights(path, 'small');
    expect(report).toMatchObject({ kerasModel: 'VGG16', initialised: ['fc6', 'fc7'], ignored: [] });
    expect(weights.has('fc6/kernel')).toBe(false);
    expect(weights.has('block5_conv3/kernel')).toBe(true);
  });

  it('reads a full-model save (weights under model_weights)', async () => {
    const layers = smallTop();
    const path = join(dir, 'small_model.h5');
    await writeKerasWeights(path, layers, 'model');
    const { weights, report } = await readKerasBackboneWeights(path, 'small');
    expect(report.layout).toBe('model');
    expect(weights.get('block1_conv1/kernel')!.data).toEqual(layerData(layers, 'block1_conv1', 0));
    expect(await inspectKerasBackboneWeights(path, 'small')).toEqual(report);
  });

  it('names a missing layer and the model the file looks like', async () => {
    const path = join(dir, 'missing.h5');
    await writeKerasWeights(path, smallTop().filter((l) => l.name !== 'block4_conv2'));
    await expect(readKerasBackboneWeights(path, 'small')).rejects.toThrow('the weights file has no layer "block4_conv2" that the small backbone needs');

    const resnet = join(dir, 'resnet.h5');
    await writeKerasWeights(resnet, [
      { name: 'conv1_conv', weights: [{ name: 'conv1_conv/kernel:0', shape: [7, 7, 3, 4], data: randomValues([7, 7, 3, 4], 1) }] },
      { name: 'conv2_block1_1_conv', weights: [{ name: 'conv2_block1_1_conv/kernel:0', shape: [1, 1, 4, 4], data: randomValues([1, 1, 4, 4], 2) }] },
    ]);
    await expect(readKerasBackboneWeights(resnet, 'vgg16')).rejects.toThrow(/no layer "block1_conv1".*this looks like ResNet50 weights, not VGG16/);
    await expect(readKerasBackboneWeights(resnet, 'mobilenetv2')).rejects.toThrow(/no layer "Conv1".*ResNet50 weights, not MobileNetV2/);
  });

  it('names a weight whose shape does not fit, with both shapes', async () => {
    const path = join(dir, 'wide.h5');
    const stages = small.stages.map(([w, n], i) => [i === 1 ? w * 2 : w, n] as [number, number]);
    await writeKerasWeights(path, vggLayers({ stages, fcKernel: 7, fcWidth: 256, top: true }));
    await expect(readKerasBackboneWeights(path, 'small')).rejects.toThrow(
      "block2_conv1's kernel in the weights file has shape [3, 3, 8, 32], the small backbone's block2_conv1/kernel needs [3, 3, 8, 16]",
    );
    // fc1 of another input size cannot become fc6.
    const fc = join(dir, 'fc.h5');
    await writeKerasWeights(fc, vggLayers({ stages: small.stages, fcKernel: 3, fcWidth: 256, top: true }));
    await expect(readKerasBackboneWeights(fc, 'small')).rejects.toThrow("fc1's kernel in the weights file has shape [576, 256], the small backbone's fc6/kernel needs [7, 7, 64, 256]");
  });

  it('refuses a file that is not HDF5, and one that is HDF5 but not Keras weights', async () => {
    const text = join(dir, 'weights.h5');
    writeFileSync(text, 'this is not HDF5\n'.repeat(100));
    await expect(readKerasBackboneWeights(text, 'vgg16')).rejects.toThrow(`${text} is not an HDF5 file`);
    await expect(readKerasBackboneWeights(join(dir, 'absent.h5'), 'vgg16')).rejects.toThrow('does not exist');
    const plain = join(dir, 'plain.h5');
    await writePlainHdf5(plain);
    await expect(readKerasBackboneWeights(plain, 'vgg16')).rejects.toThrow(`${plain} is an HDF5 file but not Keras weights: it has no layer_names attribute (top-level entries: data)`);
  });
});

describe('MobileNetV2-layout Keras files', () => {
  let layers: FixtureLayer[];
  let path: string;
  beforeAll(async () => {
    layers = mobileNetV2Layers();
    path = join(dir, 'mobilenet_v2_1.0_224_no_top.h5');
    await writeKerasWeights(path, layers);
  });

  it('folds every BatchNormalization into its conv, with the backbone names and shapes', async () => {
    const { weights, report } = await readKerasBackboneWeights(path, 'mobilenetv2');
    expect(report).toMatchObject({ kerasModel: 'MobileNetV2', initialised: [], ignored: [] });
    expect(report.loaded).toHaveLength(3 + 16 * 3 + 1);
    const expected = backboneWeightShapes('mobilenetv2');
    expect([...weights.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, w] of weights) expect(w.shape, name).toEqual(expected.get(name));
  });

  it('a folded conv equals conv → BatchNorm (ε = 1e-3) on a random input, for convs and depthwise convs', async () => {
    const { weights } = await readKerasBackboneWeights(path, 'mobilenetv2');
    const bn = (name: string, x: tf.Tensor) => {
      const [gamma, beta, mean, variance] = layers.find((l) => l.name === name)!.weights.map((w) => tf.tensor1d(w.data));
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
    };
    const x = tf.tensor4d(randomValues([1, 8, 8, 3], 3, 1), [1, 8, 8, 3]);
    const kernel = (name: string, shape: number[]) => tf.tensor4d(layerData(layers, name, 0), shape as [number, number, number, number]);
    const folded = (name: string, k = 'kernel') => [tf.tensor4d(weights.get(`${name}/${k}`)!.data, weights.get(`${name}/${k}`)!.shape as [number, number, number, number]), tf.tensor1d(weights.get(`${name}/bias`)!.data)] as const;

    const direct = bn('bn_Conv1', tf.conv2d(x, kernel('Conv1', [3, 3, 3, 32]), 2, 'same'));
    const [k1, b1] = folded('Conv1');
    const fused = tf.conv2d(x, k1, 2, 'same').add(b1);
    expect(tf.max(tf.abs(tf.sub(direct, fused))).dataSync()[0]).toBeLessThan(1e-4);

    const y = tf.tensor4d(randomValues([1, 6, 6, 96], 4, 1), [1, 6, 6, 96]);
    const directDw = bn('block_1_depthwise_BN', tf.depthwiseConv2d(y, kernel('block_1_depthwise', [3, 3, 96, 1]), 1, 'same'));
    const [k2, b2] = folded('block_1_depthwise', 'depthwise_kernel');
    const fusedDw = tf.depthwiseConv2d(y, k2, 1, 'same').add(b2);
    expect(tf.max(tf.abs(tf.sub(directDw, fusedDw))).dataSync()[0]).toBeLessThan(1e-4);
  });

  it('builds an FCN-8s on the MobileNetV2 backbone from the folded weights', async () => {
    const { tensors, report } = await kerasInitialTensors(path, 'mobilenetv2');
    const model = buildFcn({ head: 'fcn8s', backbone: 'mobilenetv2', numClasses: 3, dropout: 0, seed: 1 }, tensors);
    try {
      expect(report.loaded).toContain('Conv_1');
      expect(model.w('block_7_project/kernel').dataSync()).toEqual(tensors.get('block_7_project/kernel')!.dataSync());
      const logits = model.forward(tf.tensor4d(randomValues([1, 32, 32, 3], 8, 255).map(Math.abs), [1, 32, 32, 3]));
      expect(logits.shape).toEqual([1, 32, 32, 3]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    } finally {
      tensors.forEach((t) => t.dispose());
      model.dispose();
    }
  });

  it('refuses a MobileNetV2 of another width (alpha), saying which', async () => {
    const narrow = join(dir, 'mobilenet_v2_0.35.h5');
    await writeKerasWeights(narrow, mobileNetV2Layers(0.35));
    await expect(readKerasBackboneWeights(narrow, 'mobilenetv2')).rejects.toThrow(/MobileNetV2 with alpha 0\.35 .*needs alpha 1\.0 weights/);
  });

  it('refuses VGG16 weights for the MobileNetV2 backbone', async () => {
    const vgg = join(dir, 'vgg_for_mnv2.h5');
    await writeKerasWeights(vgg, smallTop());
    await expect(readKerasBackboneWeights(vgg, 'mobilenetv2')).rejects.toThrow(/no layer "Conv1".*this looks like VGG16 weights, not MobileNetV2/);
  });
});
