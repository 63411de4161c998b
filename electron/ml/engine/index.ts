/**
 * FCN engine: what the ML process calls. Backends, models, training, evaluation, prediction and
 * checkpoints; no database, no IPC — batches come in as typed arrays, progress goes out as events.
 */
export { selectBackend, probeWebGpu, probeTensorflow, wasmThreadCount, webGpuAdapter } from './backends/select';
export type { GpuAdapterSummary, SelectOptions } from './backends/select';
export { registerWasmTrainingKernels } from './backends/wasmKernels';
export { FCN_STRIDE, FcnModel, buildFcn } from './model/fcn';
export { backbones } from './model/backbones';
export type { BackboneSpec } from './model/backbones';
export { bilinearKernel } from './model/bilinear';
export { IGNORE_INDEX, medianFrequencyWeights, softmaxCrossEntropyIgnore } from './loss';
export { assertTrainable, createOptimizer, estimateTrainingBytes, evaluate, predict, setLearningRate, trainEpoch, trainStep } from './train';
export type { EvaluateResult, Prediction, PredictOptions, StepOptions, TrainEpochOptions } from './train';
export { CHECKPOINT_FORMAT, loadCheckpoint, saveCheckpoint } from './checkpoint';
export type { CheckpointManifest, LoadedCheckpoint, SaveCheckpointOptions } from './checkpoint';
export { defaultFcnConfig } from './types';
export type {
  BackboneName,
  BackendChoice,
  BackendName,
  BackendPreference,
  Batch,
  BatchSource,
  EpochResult,
  FcnConfig,
  HeadName,
  OptimizerConfig,
  OptimizerName,
  TrainProgress,
} from './types';
