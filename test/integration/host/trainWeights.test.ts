import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../electron/backend/project';
import { loadCheckpoint, selectBackend } from '../../../electron/ml/engine';
import { tempDir } from '../../fixtures/images';
import { mobileNetV2Layers, vggLayers, writeKerasWeights, type FixtureLayer } from '../../fixtures/kerasWeights';
import { createRectangleProject } from '../../fixtures/trainingProject';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let root: string;
let projectDir: string;
let weightsFile: FixtureLayer[];
const runCount = () => {
  const project = Project.open(projectDir);
  try {
    return project.runs.all().length;
  } finally {
    project.close();
  }
};

beforeAll(async () => {
  root = tempDir();
  projectDir = join(root, 'p');
  const project = await createRectangleProject(projectDir, join(root, 'data'), { count: 8, size: 32, train: 6 });
  project.close();
  // The small backbone's VGG layout (VGG16 / 8), with top: fc1 [7·7·64, 256] becomes fc6.
  weightsFile = vggLayers({ stages: [[8, 2], [16, 2], [32, 3], [64, 3], [64, 3]], fcKernel: 7, fcWidth: 256, top: true });
  await writeKerasWeights(join(root, 'small_vgg.h5'), weightsFile);
  await writeKerasWeights(join(root, 'mobilenet_v2.h5'), mobileNetV2Layers());
  await selectBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TRAIN = ['train', '--backbone', 'small', '--epochs', '1', '--size', '32', '--batch', '4', '--backend', 'wasm'];

describe('fcn-studio train --weights', () => {
  it('starts a run from a Keras file: reports what it loaded, stores it with the run, and trains from those values', async () => {
    const file = join(root, 'small_vgg.h5');
    // A learning rate so small that one epoch leaves the loaded values where they were.
    const result = await cli(...TRAIN, '--project', projectDir, '--weights', file, '--lr', '1e-9', '--json');
    expect(result.stderr).not.toMatch(/fcn-studio:/);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'weights', source: 'file', path: file, kerasModel: 'VGG16', layout: 'weights', initialised: [], ignored: ['predictions'] });
    expect(lines[0].loaded).toHaveLength(15);
    const run = lines.at(-1)!;
    expect(run).toMatchObject({ type: 'run', epochs: 1, initialWeights: { source: 'file', path: file, kerasModel: 'VGG16' } });

    const { model } = await loadCheckpoint(join(projectDir, 'checkpoints', `run-${run.runId}`, 'last'));
    try {
      const near = (name: string, values: Float32Array) => {
        const got = model.w(name).dataSync();
        return values.reduce((worst, v, i) => Math.max(worst, Math.abs(v - got[i])), 0);
      };
      const data = (layer: string, i: number) => weightsFile.find((l) => l.name === layer)!.weights[i].data;
      expect(near('block1_conv1/kernel', data('block1_conv1', 0))).toBeLessThan(1e-5);
      expect(near('block5_conv3/bias', data('block5_conv3', 1))).toBeLessThan(1e-5);
      expect(near('fc6/kernel', data('fc1', 0))).toBeLessThan(1e-5);
      expect(near('fc7/kernel', data('fc2', 0))).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }

    const evaluation = await cli('eval', '--project', projectDir, '--run', 'latest', '--json');
    // The run named --backend wasm: its predictions stay on wasm (auto would take ONNX Runtime on a CPU).
    expect(JSON.parse(evaluation.stdout)).toMatchObject({ initialWeights: { source: 'file', path: file, kerasModel: 'VGG16' }, predictedWith: { backend: 'wasm' } });
  }, 180_000);

  it('fine-tunes MobileNetV2 from a Keras file with the fine-tuning learning rate and the colour jitter asked for', async () => {
    const file = join(root, 'mobilenet_v2.h5');
    const result = await cli(
      ...TRAIN.map((a) => (a === 'small' ? 'mobilenetv2' : a)),
      '--project',
      projectDir,
      '--weights',
      file,
      '--color-jitter',
      '0.3',
      '--json',
    );
    expect(result.stderr).not.toMatch(/fcn-studio:/);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'weights', source: 'file', kerasModel: 'MobileNetV2' });
    expect(lines.at(-1)).toMatchObject({
      type: 'run',
      epochs: 1,
      settings: { backbone: 'mobilenetv2', learningRate: 1e-4, colorJitter: 0.3 },
      initialWeights: { source: 'file', kerasModel: 'MobileNetV2' },
    });
    const badJitter = await cli(...TRAIN, '--project', projectDir, '--color-jitter', '2');
    expect(badJitter.code).toBe(2);
    expect(badJitter.stderr).toMatch(/2 is not a number between 0 and 0.9/);
  }, 180_000);

  it('refuses imagenet for the small backbone, and a file that is not Keras weights, before any run exists', async () => {
    const before = runCount();
    const imagenet = await cli(...TRAIN, '--project', projectDir, '--weights', 'imagenet');
    expect(imagenet.code).toBe(1);
    expect(imagenet.stderr).toMatch(/no ImageNet weights exist for the small backbone .*use --backbone vgg16/);
    const text = join(root, 'notes.h5');
    writeFileSync(text, 'not weights');
    const notHdf5 = await cli(...TRAIN, '--project', projectDir, '--weights', text);
    expect(notHdf5.code).toBe(1);
    expect(notHdf5.stderr).toContain(`${text} is not an HDF5 file`);
    expect(runCount()).toBe(before);
  }, 180_000);
});
