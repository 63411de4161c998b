/**
 * FCN engine: what the ML process calls. Backends, models, training, evaluation, prediction and
 * checkpoints; no database, no IPC — batches come in as typed arrays, progress goes out as events.
 *
 *   const choice = await selectBackend('auto');            // { backend, reason, threads?, adapter? }
 *   const model = buildFcn({ head: 'fcn8s', backbone: 'small', numClasses, dropout: 0.5, seed: 1 });
 *   const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
 *   for (let epoch = 0; epoch < epochs; epoch++) {
 *     await trainEpoch(model, optimizer, trainSource, { epoch, signal, onProgress });
 *     const { metrics, confusion } = await evaluate(model, valSource);
 *     await saveCheckpoint(dir, model, { optimizer, optimizerConfig, epoch, metadata });
 *   }
 *   const { model, optimizer, manifest } = await loadCheckpoint(dir);   // resume: manifest.epoch
 *   const { mask, confidence, meanEntropy } = await predict(model, { data, width, height });
 *
 * A BatchSource yields { images: Float32Array NHWC RGB 0..255, masks: Uint8Array NHW (255 =
 * unlabeled), n, height, width }; any height/width (pools round odd sides up; scores cropped back inside).
 */
export { selectBackend, probeWebGpu, wasmThreadCount, webGpuAdapter } from './backends/select';
export { probeTensorflow, explainTensorflowFailure } from './backends/tensorflowProbe';
export type { GpuAdapterSummary, SelectOptions } from './backends/select';
export { registerWasmTrainingKernels } from './backends/wasmKernels';
export { FCN_STRIDE, FcnModel, buildFcn } from './model/fcn';
export { MOBILENETV2_BLOCKS, applyPreprocess, backbones, mobilenetV2ParamSpecs, preprocessAsConv } from './model/backbones';
export type { Activation, Backbone, BackboneFeatures, LayerOps, ParamSpec, PreprocessSpec } from './model/backbones';
export { bilinearKernel } from './model/bilinear';
export { IGNORE_INDEX, medianFrequencyWeights, softmaxCrossEntropyIgnore } from './loss';
export { assertTrainable, createOptimizer, estimateTrainingBytes, evaluate, predict, setLearningRate, trainEpoch, trainStep } from './train';
export type { EvaluateResult, LogitsForward, Prediction, PredictOptions, StepOptions, TrainEpochOptions } from './train';
export { LeanAdam } from './optimizers';
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
