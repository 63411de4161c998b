import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { MlEventMessage, TrainRequest, TrainResult } from '../../shared/contract/mlContract';
import { confusionRows } from '../../shared/metrics';
import { valueToIndexTable } from '../../shared/domain/classes';
import { polyLearningRate } from '../../shared/domain/training';
import { SampleStore, defaultSampleBudget, evalSource, trainSource } from './dataset';
import { recoverCheckpointDir } from './engine/checkpointDir';
import { buildFcn, createOptimizer, evaluate, loadCheckpoint, saveCheckpoint, selectBackend, setLearningRate, trainEpoch, type FcnModel } from './engine';
import { kerasInitialTensors } from './engine/weights/kerasApplications';
import type * as tfTypes from '@tensorflow/tfjs-core';

type Emit = (event: MlEventMessage) => void;

/**
 * One training run in the ML process: pick the backend, load the data at training scale, then
 * epoch by epoch train and report; validate and checkpoint (`last/`, and `best/` when val mean IU
 * improves) after the last epoch and otherwise at most every `validateEverySeconds`, so the short
 * epochs of a small project go to training. The run ends after its epochs or when its minutes are
 * spent (mid-epoch if need be, keeping time for the final validation), whichever comes first; the
 * learning rate decays over that planned length. An epoch is reported before its checkpoint is
 * written, so after a crash the checkpoint on disk is never ahead of the database (resume drops
 * epochs past the checkpoint). A resumed run with minutes gets its minutes again.
 */
export async function runTraining(req: TrainRequest, emit: Emit, signal: AbortSignal): Promise<TrainResult> {
  const started = performance.now();
  const s = req.settings;
  if (s.epochs === null && s.maxMinutes === null) throw new Error('a run needs an epoch count, a time budget, or both');
  const scaling = { longSide: s.longSide };
  const optimizerConfig = { name: s.optimizer, learningRate: s.learningRate, momentum: 0.9 };
  const choice = await selectBackend(s.backend);
  emit({ type: 'backend', jobId: req.jobId, backend: choice.backend, reason: choice.reason });

  const lut = valueToIndexTable(req.classValues);
  emit({ type: 'log', level: 'info', jobId: req.jobId, message: `loading ${req.train.length} training and ${req.val.length} validation images` });
  // Training images get three quarters of the memory budget: they are read every epoch in random order.
  const budget = req.sampleMemoryBytes ?? defaultSampleBudget(totalmem());
  const train = new SampleStore(req.train, scaling, lut, Math.floor(budget * 0.75));
  const val = new SampleStore(req.val, scaling, lut, Math.floor(budget * 0.25));
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
  const source = trainSource(train, { batch: s.batch, crop: s.crop, seed: s.seed, colorJitter: s.colorJitter });
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
    optimizer = loaded.optimizer ?? createOptimizer(optimizerConfig);
    startEpoch = loaded.manifest.epoch + 1;
  } else {
    const config = { head: s.head, backbone: s.backbone, numClasses: req.classValues.length, dropout: 0.5, seed: s.seed };
    if (req.initialWeights) {
      const { tensors, report } = await kerasInitialTensors(req.initialWeights.path, s.backbone);
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
    optimizer = createOptimizer(optimizerConfig);
  }

  const metadata = { classValues: req.classValues, scaling };
  const clock = new RunClock(s.epochs, s.maxMinutes, started, startEpoch, source.batchesPerEpoch ?? 1);
  let lastValidated = performance.now();
  let validationSeconds = 0;
  // Epochs between validations have no checkpoint yet; a cancel writes `last/` for them, so a
  // resume continues after them (the cancel's deadline waits for a save in progress).
  let savedEpoch = startEpoch - 1;
  const saveUnsaved = async (epoch: number) => {
    if (epoch <= savedEpoch) return;
    emit({ type: 'saving', jobId: req.jobId, active: true });
    await saveCheckpoint(lastDir, model, { optimizer, optimizerConfig, epoch, metadata });
    emit({ type: 'checkpoint', jobId: req.jobId, kind: 'last', epoch, path: lastDir });
    emit({ type: 'saving', jobId: req.jobId, active: false });
    savedEpoch = epoch;
  };
  let stoppedBy: TrainResult['stoppedBy'] = 'epochs';
  let epochsDone = 0;
  let lastProgress = 0;
  try {
    for (let epoch = startEpoch; s.epochs === null || epoch <= s.epochs; epoch++) {
      let step = 0;
      const result = await trainEpoch(model, optimizer, source, {
        epoch,
        signal,
        // Poly decay over the planned length (epochs, or the minutes when they end first), as the
        // FCN and DeepLab recipes do: big steps early, settling at the end of a time-boxed run.
        beforeStep: () => setLearningRate(optimizer, polyLearningRate(optimizerConfig.learningRate, clock.fraction(epoch, step))),
        stopAfterStep: () => clock.timeUp(),
        onProgress: (p) => {
          step = p.step;
          // A few events a second are plenty for a progress bar.
          if (performance.now() - lastProgress < 250 && p.step !== p.stepsPerEpoch) return;
          lastProgress = performance.now();
          emit({
            type: 'progress',
            jobId: req.jobId,
            epoch,
            step: p.step,
            stepsPerEpoch: p.stepsPerEpoch,
            loss: p.loss,
            imagesPerSecond: p.imagesPerSecond,
            etaSeconds: p.etaSeconds,
            runFraction: clock.fraction(epoch, p.step),
            runEtaSeconds: clock.secondsLeft(epoch, p.step),
            numTensors: p.numTensors,
            memoryBytes: process.memoryUsage.rss(),
          });
        },
      });
      if (result.cancelled) {
        stoppedBy = 'cancel';
        await saveUnsaved(epoch - 1);
        break;
      }
      const outOfTime = clock.timeUp();
      const last = outOfTime || (s.epochs !== null && epoch >= s.epochs);
      if (outOfTime) stoppedBy = 'time';
      // A large val split (seconds to score) is validated less often, so it never takes more than
      // about a fifth of the run; 0 means after every epoch, as asked.
      const interval = s.validateEverySeconds === 0 ? 0 : Math.max(s.validateEverySeconds, 4 * validationSeconds);
      const validate = last || (performance.now() - lastValidated) / 1000 >= interval;
      const validationStart = performance.now();
      const evaluation = validate && val.size ? await evaluate(model, valSource, { signal }) : null;
      if (signal.aborted) {
        stoppedBy = 'cancel';
        await saveUnsaved(epoch - 1);
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
      epochsDone++;
      if (validate) {
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
        await saveCheckpoint(lastDir, model, { optimizer, optimizerConfig, epoch, metadata });
        emit({ type: 'checkpoint', jobId: req.jobId, kind: 'last', epoch, path: lastDir });
        emit({ type: 'saving', jobId: req.jobId, active: false });
        savedEpoch = epoch;
        lastValidated = performance.now();
        validationSeconds = (lastValidated - validationStart) / 1000;
        clock.reserve(validationSeconds);
      }
      if (last) break;
    }
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return { epochs: epochsDone, cancelled: stoppedBy === 'cancel', stoppedBy };
}

/**
 * Where a run stands against its plan: the share of its epochs or of its minutes done (whichever
 * is further), whether the minutes are spent, and the seconds left. The minutes count from the
 * job's start (start-up and loading included, as the user's clock does) and keep back the time the
 * last validation and checkpoint took, so the final one still fits in the budget.
 */
export class RunClock {
  private readonly trainStart = performance.now();
  private reserveSeconds = 0;

  constructor(
    private readonly epochs: number | null,
    private readonly maxMinutes: number | null,
    private readonly jobStart: number,
    private readonly startEpoch: number,
    private readonly stepsPerEpoch: number,
  ) {}

  /** Seconds a validation and checkpoint take: kept free at the end of the budget. */
  reserve(seconds: number): void {
    this.reserveSeconds = seconds;
  }

  timeUp(): boolean {
    return this.maxMinutes !== null && this.sinceJobStart() + this.reserveSeconds >= this.maxMinutes * 60;
  }

  /** 0..1 of the run done after `step` steps of `epoch`. */
  fraction(epoch: number, step: number): number {
    const byEpochs = this.epochs === null ? 0 : (epoch - 1 + step / this.stepsPerEpoch) / this.epochs;
    return Math.min(1, Math.max(byEpochs, this.timeFraction()));
  }

  /** Seconds left at the current speed (null until a step of this job has run). */
  secondsLeft(epoch: number, step: number): number | null {
    const byTime = this.maxMinutes === null ? Infinity : Math.max(0, this.maxMinutes * 60 - this.sinceJobStart());
    let byEpochs = Infinity;
    if (this.epochs !== null) {
      const stepsDone = (epoch - this.startEpoch) * this.stepsPerEpoch + step;
      const stepsLeft = (this.epochs - epoch + 1) * this.stepsPerEpoch - step;
      if (stepsDone === 0) return byTime === Infinity ? null : byTime;
      byEpochs = (stepsLeft * this.sinceTrainStart()) / stepsDone;
    }
    return Math.min(byTime, byEpochs);
  }

  private timeFraction(): number {
    if (this.maxMinutes === null) return 0;
    // Training's share of the budget: what start-up left, less the final validation.
    const trainingSeconds = this.maxMinutes * 60 - (this.trainStart - this.jobStart) / 1000 - this.reserveSeconds;
    return this.sinceTrainStart() / Math.max(1, trainingSeconds);
  }

  private sinceJobStart(): number {
    return (performance.now() - this.jobStart) / 1000;
  }

  private sinceTrainStart(): number {
    return (performance.now() - this.trainStart) / 1000;
  }
}
