import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildFcn, createOptimizer, loadCheckpoint, saveCheckpoint, selectBackend, trainStep } from '../../../electron/ml/engine';
import type { FcnConfig, OptimizerConfig } from '../../../electron/ml/engine';
import { syntheticBatch } from './syntheticSegmentation';

let dir = '';
beforeAll(async () => {
  await selectBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'fcn-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it.each(['adam', 'sgd'] as const)('resume with %s continues exactly where training stopped', async (name) => {
    const config: FcnConfig = { head: 'fcn16s', backbone: 'tiny', numClasses: 3, dropout: 0, seed: 8 };
    const optConfig: OptimizerConfig = { name, learningRate: 1e-3, momentum: 0.9 };
    const model = buildFcn(config);
    const optimizer = createOptimizer(optConfig);
    for (let i = 0; i < 3; i++) await trainStep(model, optimizer, syntheticBatch(2, 32, i));
    const path = join(dir, `ckpt-${name}`);
    await saveCheckpoint(path, model, { optimizer, optimizerConfig: optConfig, epoch: 3, metadata: { run: 'r1' } });

    const manifest = JSON.parse(await readFile(join(path, 'model.json'), 'utf8'));
    expect(manifest.format).toBe('fcn-studio-checkpoint');
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(manifest.weightsManifest[0].weights.some((w: { name: string }) => w.name === 'fc6/kernel')).toBe(true);

    const loaded = await loadCheckpoint(path);
    expect(loaded.manifest.epoch).toBe(3);
    expect(loaded.manifest.modelConfig).toEqual(config);
    expect(loaded.manifest.userDefinedMetadata).toEqual({ run: 'r1' });
    expect(loaded.optimizer).not.toBeNull();

    // One more identical step on both: identical loss and weights only if the optimiser state came back.
    const next = syntheticBatch(2, 32, 42);
    const lossA = await trainStep(model, optimizer, next);
    const lossB = await trainStep(loaded.model, loaded.optimizer!, next);
    expect(lossB).toBeCloseTo(lossA, 5);
    const a = await model.w('block3_conv1/kernel').data();
    const b = await loaded.model.w('block3_conv1/kernel').data();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-6);

    model.dispose();
    optimizer.dispose();
    loaded.model.dispose();
    loaded.optimizer!.dispose();
  });

  it('refuses a folder that is not a checkpoint', async () => {
    const path = join(dir, 'not-a-checkpoint');
    await (await import('node:fs/promises')).mkdir(path);
    await (await import('node:fs/promises')).writeFile(join(path, 'model.json'), JSON.stringify({ format: 'layers-model' }));
    await expect(loadCheckpoint(path)).rejects.toThrow(/not an FCN Studio checkpoint/);
  });
});

void tf;

describe('checkpoint folders after a kill mid-save', () => {
  it('a save interrupted between its two renames leaves the previous checkpoint readable, and the next writer restores it', async () => {
    const { renameSync, mkdirSync, writeFileSync, existsSync, readdirSync } = await import('node:fs');
    const { recoverCheckpointDir } = await import('../../../electron/ml/engine/checkpointDir');
    const config: FcnConfig = { head: 'fcn32s', backbone: 'tiny', numClasses: 2, dropout: 0, seed: 2 };
    const model = buildFcn(config);
    const path = join(dir, 'killed', 'last');
    await saveCheckpoint(path, model, { optimizer: null, epoch: 4, metadata: {} });
    // What a process killed mid-swap leaves: `last` moved aside, and a half-written new folder.
    renameSync(path, `${path}.old-99999`);
    mkdirSync(`${path}.tmp-99999`);
    writeFileSync(join(`${path}.tmp-99999`, 'weights.bin'), 'partial');
    const read = await loadCheckpoint(path);
    expect(read.manifest.epoch).toBe(4);
    read.model.dispose();
    // A reader changes nothing (a writer may be mid-swap in another process).
    expect(existsSync(path)).toBe(false);
    recoverCheckpointDir(path);
    expect(readdirSync(join(dir, 'killed'))).toEqual(['last']);
    expect((await loadCheckpoint(path)).manifest.epoch).toBe(4);
    // And a save over it swaps cleanly.
    await saveCheckpoint(path, model, { optimizer: null, epoch: 5, metadata: {} });
    expect(readdirSync(join(dir, 'killed'))).toEqual(['last']);
    const again = await loadCheckpoint(path);
    expect(again.manifest.epoch).toBe(5);
    again.model.dispose();
    model.dispose();
  });
});
