import type { BackboneName as UserBackbone, BackendPreference, HeadName, OptimizerName } from '../../../shared/domain/training';

export type { BackendPreference, HeadName, OptimizerName };
/** Compute backends the engine can run on. */
export type BackendName = Exclude<BackendPreference, 'auto'>;

export interface BackendChoice {
  backend: BackendName;
  /** Why this backend: shown to the user (adapter, software vs hardware, CUDA found or not). */
  reason: string;
  threads?: number;
  adapter?: { name: string; vendor: string; architecture: string; software: boolean };
}

/** The backbones a user can train, and `tiny` for tests. */
export type BackboneName = UserBackbone | 'tiny';

export interface FcnConfig {
  head: HeadName;
  backbone: BackboneName;
  numClasses: number;
  /** Dropout rate while training after fc6 and fc7 (the paper: 0.5), or on MobileNetV2's last features. */
  dropout: number;
  /** Seed for the weight initialisation (same seed, same weights on every backend). */
  seed: number;
}

export const defaultFcnConfig: FcnConfig = { head: 'fcn8s', backbone: 'vgg16', numClasses: 21, dropout: 0.5, seed: 1 };

export interface OptimizerConfig {
  name: OptimizerName;
  learningRate: number;
  /** SGD momentum (default 0.9); ignored by Adam. */
  momentum?: number;
  /** L2 weight decay added to the gradients (default 0). */
  weightDecay?: number;
}

/**
 * One batch as the data pipeline hands it over: images RGB float32 in 0..255, NHWC;
 * masks uint8 class indices with 255 = unlabeled (ignored in loss and metrics), NHW.
 */
export interface Batch {
  images: Float32Array;
  masks: Uint8Array;
  n: number;
  height: number;
  width: number;
}

/** Where batches come from; the ML worker implements it over the project database. */
export interface BatchSource {
  /** Batches of one epoch, in order. */
  batches(epoch: number): AsyncIterable<Batch> | Iterable<Batch>;
  /** Batches per epoch when known (for the ETA). */
  batchesPerEpoch?: number;
}

export interface TrainProgress {
  type: 'progress';
  epoch: number;
  /** Step within the epoch, from 1. */
  step: number;
  stepsPerEpoch: number | null;
  /** Steps since this trainer was created (the optimiser's step count). */
  globalStep: number;
  loss: number;
  /** Mean loss over the epoch so far. */
  meanLoss: number;
  imagesPerSecond: number;
  /** Seconds left in this epoch, null when the epoch length is unknown. */
  etaSeconds: number | null;
  /** Tensors alive in TF.js and bytes they hold (leak watch). */
  numTensors: number;
  numBytes: number;
}

export interface EpochResult {
  epoch: number;
  steps: number;
  images: number;
  meanLoss: number;
  seconds: number;
  cancelled: boolean;
}
