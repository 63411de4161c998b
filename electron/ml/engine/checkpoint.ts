import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';

import { readableCheckpointDir, recoverCheckpointDir, swapCheckpointDir } from './checkpointDir';
import { type FcnModel, buildFcn } from './model/fcn';
import { createOptimizer } from './train';
import type { FcnConfig, OptimizerConfig } from './types';

export const CHECKPOINT_FORMAT = 'fcn-studio-checkpoint';
const OPTIMIZER_PREFIX = 'optimizer/';

/**
 * model.json of a checkpoint: TF.js's weights-manifest layout (one weights.bin, tf.io specs), plus
 * what resuming needs — model config, optimiser config, epoch.
 */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: 1;
  generatedBy: string;
  modelConfig: FcnConfig;
  optimizer: OptimizerConfig | null;
  epoch: number;
  /** Free-form metadata from the caller (run id, metrics, dataset hash...). */
  userDefinedMetadata: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export interface SaveCheckpointOptions {
  optimizer?: tf.Optimizer | null;
  optimizerConfig?: OptimizerConfig | null;
  epoch: number;
  metadata?: Record<string, unknown>;
}

/** Writes model.json + weights.bin into `dir` (replaced atomically: a crash leaves the old one). */
export async function saveCheckpoint(dir: string, model: FcnModel, options: SaveCheckpointOptions): Promise<CheckpointManifest> {
  const named: NamedTensor[] = [...model.weights.entries()].map(([name, tensor]) => ({ name, tensor }));
  if (options.optimizer) {
    const scopePrefix = `${model.scope}/`;
    for (const { name, tensor } of await options.optimizer.getWeights()) {
      named.push({ name: OPTIMIZER_PREFIX + (name.startsWith(scopePrefix) ? name.slice(scopePrefix.length) : name), tensor });
    }
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  // getWeights() makes a fresh scalar for the step count; the slots themselves are the optimiser's.
  tf.dispose(named.filter((w) => w.name === `${OPTIMIZER_PREFIX}iter`).map((w) => w.tensor));
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: 1,
    generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
    modelConfig: model.config,
    optimizer: options.optimizerConfig ?? null,
    epoch: options.epoch,
    userDefinedMetadata: options.metadata ?? {},
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  recoverCheckpointDir(dir);
  const tmp = `${dir}.tmp-${process.pid}`;
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'weights.bin'), new Uint8Array(data));
  // Last: a folder with model.json is complete (recoverCheckpointDir relies on it).
  await writeFile(join(tmp, 'model.json'), JSON.stringify(manifest, null, 1));
  await swapCheckpointDir(tmp, dir);
  return manifest;
}

export interface LoadedCheckpoint {
  model: FcnModel;
  /** Rebuilt with its slots (Adam moments, momentum) when the checkpoint holds them. */
  optimizer: tf.Optimizer | null;
  manifest: CheckpointManifest;
}

/** Reads a checkpoint written by saveCheckpoint and rebuilds the model (and optimiser). */
export async function loadCheckpoint(requested: string): Promise<LoadedCheckpoint> {
  const dir = readableCheckpointDir(requested);
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as CheckpointManifest;
  if (manifest.format !== CHECKPOINT_FORMAT) throw new Error(`${dir} is not an FCN Studio checkpoint (format ${String(manifest.format)})`);
  if (manifest.formatVersion > 1) throw new Error(`${dir} was written by a newer FCN Studio (format version ${manifest.formatVersion})`);
  const group = manifest.weightsManifest[0];
  const buffer = await readFile(join(dir, group.paths[0]));
  const tensors = tf.io.decodeWeights(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength), group.weights);
  const modelWeights = new Map<string, tf.Tensor>();
  const optimizerWeights: NamedTensor[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name.startsWith(OPTIMIZER_PREFIX)) optimizerWeights.push({ name: name.slice(OPTIMIZER_PREFIX.length), tensor });
    else modelWeights.set(name, tensor);
  }
  const model = buildFcn(manifest.modelConfig, modelWeights);
  tf.dispose([...modelWeights.values()]);
  let optimizer: tf.Optimizer | null = null;
  if (manifest.optimizer) {
    optimizer = createOptimizer(manifest.optimizer);
    if (optimizerWeights.length > 0) {
      const scoped = optimizerWeights.map(({ name, tensor }) => ({ name: name === 'iter' ? name : `${model.scope}/${name}`, tensor }));
      await optimizer.setWeights(scoped);
    }
  }
  // setWeights copies into new variables; the decoded tensors are ours to free.
  tf.dispose(optimizerWeights.map((w) => w.tensor));
  return { model, optimizer, manifest };
}
