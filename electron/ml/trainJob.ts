import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { MlEventMessage, TrainRequest, TrainResult } from '../../shared/contract/mlContract';
import { confusionRows } from '../../shared/metrics';
import { valueToIndexTable } from '../../shared/domain/classes';
import { SampleStore, defaultSampleBudget, evalSource, trainSource } from './dataset';
import { recoverCheckpointDir } from './engine/checkpointDir';
import { buildFcn, createOptimizer, evaluate, loadCheckpoint, saveCheckpoint, selectBackend, setLearningRate, trainEpoch, type FcnModel } from './engine';
import { kerasInitialTensors } from './engine/weights/kerasApplications';
import type * as tfTypes from '@tensorflow/tfjs-core';

type Emit = (event: MlEventMessage) => void;

/**
 * One training run in the ML process: pick the backend, load the data at training scale, then
 * epoch by epoch train, validate, report, and checkpoint (`last/` every epoch, `best/` when val
 * mean IU improves). The epoch is reported before its checkpoint is written, so after a crash the
 * checkpoint on disk is never ahead of the database (resume drops epochs past the checkpoint).
 */
export async function runTraining(req: TrainRequest, emit: Emit, signal: AbortSignal): Promise<TrainResult> {
  const started = performance.now();
  const choice = await selectBackend(req.backend);
  emit({ type: 'backend', jobId: req.jobId, backend: choice.backend, reason: choice.reason });

  const lut = valueToIndexTable(req.classValues);
  emit({ type: 'log', level: 'info', jobId: req.jobId, message: `loading ${req.train.length} training and ${req.val.length} validation images` });
  // Training images get three quarters of the memory budget: they are read every epoch in random order.
  const budget = req.sampleMemoryBytes ?? defaultSampleBudget(totalmem());
  const train = new SampleStore(req.train, req.scaling, lut, Math.floor(budget * 0.75));
  const val = new SampleStore(req.val, req.scaling, lut, Math.floor(budget * 0.25));
  await Promise.all([train.warm(), val.warm()]);
  for (const [store, name] of [
    [train, 'training'],
    [val, 'validation'],
  ] as const) {
    if (!store.complete) {
      emit({
        type: 'log',
        level: 'info',
        jobId: req.jobId,
        message: `${store.cachedCount} of ${store.size} ${name} images fit in the ${(store.budgetBytes / 1024 ** 2).toFixed(0)} MB kept in memory; the rest are decoded as batches need them`,
      });
    }
  }
  const source = trainSource(train, { batch: req.batch, crop: req.crop, seed: req.seed, colorJitter: req.colorJitter ?? 0 });
  const valSource = evalSource(val);

  const lastDir = join(req.checkpointDir, 'last');
  const bestDir = join(req.checkpointDir, 'best');
  let model: FcnModel;
  let optimizer: tfTypes.Optimizer;
  let startEpoch = 1;
  let best = req.resume?.bestMeanIoU ?? null;
  // This job writes the run's checkpoints: first finish any swap a killed process left half done.
  recoverCheckpointDir(lastDir);
  recoverCheckpointDir(bestDir);
  if (req.resume && existsSync(join(lastDir, 'model.json'))) {
    const loaded = await loadCheckpoint(lastDir);
    model = loaded.model;
    optimizer = loaded.optimizer ?? createOptimizer(req.optimizer);
    startEpoch = loaded.manifest.epoch + 1;
  } else {
    const config = { head: req.head, backbone: req.backbone, numClasses: req.classValues.length, dropout: 0.5, seed: req.seed };
    if (req.initialWeights) {
      const { tensors, report } = await kerasInitialTensors(req.initialWeights.path, req.backbone);
      try {
        model = buildFcn(config, tensors);
      } finally {
        tensors.forEach((t) => t.dispose());
      }
      const fresh = [...model.weights.keys()].filter((n) => !tensors.has(n)).map((n) => n.split('/')[0]);
      emit({
        type: 'log',
        level: 'info',
        jobId: req.jobId,
        message: `initial weights: ${report.loaded.length} layers of ${report.kerasModel} from ${req.initialWeights.path}; freshly initialised: ${[...new Set(fresh)].join(', ')}`,
      });
    } else {
      model = buildFcn(config);
    }
    optimizer = createOptimizer(req.optimizer);
  }

  const metadata = { classValues: req.classValues, scaling: req.scaling };
  let lastEpochSeconds = 0;
  let stoppedBy: TrainResult['stoppedBy'] = 'epochs';
  let epochsDone = 0;
  let lastProgress = 0;
  try {
    for (let epoch = startEpoch; epoch <= req.epochs; epoch++) {
      const elapsed = (performance.now() - started) / 1000;
      if (req.maxMinutes !== null && epoch > startEpoch && elapsed + lastEpochSeconds > req.maxMinutes * 60) {
        stoppedBy = 'time';
        break;
      }
      // Poly decay over the planned length (epochs, or the time budget when that ends first), as
      // the FCN and DeepLab recipes do: big steps early, settling at the end of a time-boxed run.
      const planned = Math.max((epoch - 1) / req.epochs, req.maxMinutes === null ? 0 : elapsed / (req.maxMinutes * 60));
      setLearningRate(optimizer, req.optimizer.learningRate * Math.max(0.01, (1 - Math.min(planned, 1)) ** 0.9));
      const epochStart = performance.now();
      const result = await trainEpoch(model, optimizer, source, {
        epoch,
        signal,
        onProgress: (p) => {
          // A few events a second are plenty for a progress bar.
          if (performance.now() - lastProgress < 250 && p.step !== p.stepsPerEpoch) return;
          lastProgress = performance.now();
          emit({ type: 'progress', jobId: req.jobId, epoch, step: p.step, stepsPerEpoch: p.stepsPerEpoch, loss: p.loss, imagesPerSecond: p.imagesPerSecond, etaSeconds: p.etaSeconds, numTensors: p.numTensors, memoryBytes: process.memoryUsage.rss() });
        },
      });
      if (result.cancelled) {
        stoppedBy = 'cancel';
        break;
      }
      const evaluation = val.size ? await evaluate(model, valSource, { signal }) : null;
      if (signal.aborted) {
        stoppedBy = 'cancel';
        break;
      }
      emit({
        type: 'epoch',
        jobId: req.jobId,
        epoch,
        trainLoss: result.meanLoss,
        seconds: result.seconds,
        imagesPerSecond: result.images / result.seconds,
        val: evaluation && { meanLoss: evaluation.meanLoss, metrics: evaluation.metrics, confusion: confusionRows(evaluation.confusion) },
      });
      // Saves are never interrupted (a cancel waits for them: `saving`). `best/` goes first and
      // records its score, so that after a crash between the two saves the best checkpoint is
      // still a model that reached the score it is listed with.
      emit({ type: 'saving', jobId: req.jobId, active: true });
      const meanIoU = evaluation?.metrics.meanIoU;
      if (meanIoU !== undefined && !Number.isNaN(meanIoU) && (best === null || meanIoU > best)) {
        best = meanIoU;
        await saveCheckpoint(bestDir, model, { optimizer: null, epoch, metadata: { ...metadata, meanIoU } });
        emit({ type: 'checkpoint', jobId: req.jobId, kind: 'best', epoch, path: bestDir });
      }
      await saveCheckpoint(lastDir, model, { optimizer, optimizerConfig: req.optimizer, epoch, metadata });
      emit({ type: 'checkpoint', jobId: req.jobId, kind: 'last', epoch, path: lastDir });
      emit({ type: 'saving', jobId: req.jobId, active: false });
      epochsDone++;
      lastEpochSeconds = (performance.now() - epochStart) / 1000;
    }
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return { epochs: epochsDone, cancelled: stoppedBy === 'cancel', stoppedBy };
}
