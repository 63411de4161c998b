import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../shared/contract/errors';
import type { LiveFocus, LiveRequest, LiveResult, LiveUpdate, MlEventMessage } from '../../../shared/contract/mlContract';
import { valueToIndexTable } from '../../../shared/domain/classes';
import { LIVE_CONSOLIDATE_SECONDS } from '../../../shared/domain/live';
import { confusionRows } from '../../../shared/metrics';
import { polyLearningRate } from '../../../shared/domain/training';
import { decodeScaled, wholeImageBatches } from '../dataset';
import { type BatchSource, type EvaluateResult, type FcnModel, type OptimizerConfig, buildFcn, createOptimizer, evaluate, loadCheckpoint, predict, saveCheckpoint, selectBackend, setLearningRate, trainStep } from '../engine';
import { recoverCheckpointDir } from '../engine/checkpointDir';
import { kerasInitialTensors } from '../engine/weights/kerasApplications';
import { LiveModels, type TrainedModel } from './liveModels';
import { LiveSampleStore } from './liveSampleStore';
import { LiveSampler } from './liveSampler';

type Emit = (event: MlEventMessage) => void;

/** After a label update, the round ends once this many steps have trained on it (the overlay follows fast). */
const STEPS_AFTER_UPDATE = 1;

/**
 * Learning rate while nobody labels: explicit training's poly decay over this long since the train
 * labels last changed. Labels changing keep the full step size; a user who stops painting gets,
 * after these seconds, a model settled as a 10-minute `train` run's is. FCN_LIVE_SETTLE_SECONDS
 * shortens it for short A/B runs against `train --max-minutes` (bench/acceptance/liveScribbles.ts).
 */
const SETTLE_SECONDS = Number(process.env.FCN_LIVE_SETTLE_SECONDS) || 600;

/**
 * Longest pause for one "painting" message: a stroke lasts seconds, so a lost "stopped" message
 * (a closed window) never halts training for longer than this.
 */
const MAX_PAINTING_PAUSE_MS = 15_000;

/**
 * Predicting the open image takes at most this share of the time between label updates: a round
 * lasts at least 1 / PREDICT_SHARE predictions (a CamVid frame predicts in ~0.14 s: rounds of ~2.8 s).
 */
const PREDICT_SHARE = 0.05;

/**
 * When the labeled pixels have grown this many times since the model started, Live starts a fresh
 * model (the user's initial weights, else from scratch) on all of them. A model trained first on
 * the few strokes of the first minute adapts poorly to the later, larger set (warm-starting's
 * generalisation gap, Ash & Adams 2020): on the CamVid scribbles, 1 minute of scribbling then
 * 3 minutes of Live reached held-out mean IU 0.12–0.13 without restarts and 0.18–0.19 with them,
 * beside 0.17 when the same labels were all there from the start and 0.17–0.18 for
 * `train --max-minutes 3`. Each doubling costs the overlay some seconds of a fresh model; with
 * doublings the restarts grow rare as the labels grow. FCN_LIVE_RESTART_GROWTH overrides it (0: never).
 */
const RESTART_GROWTH = process.env.FCN_LIVE_RESTART_GROWTH === undefined ? 2 : Number(process.env.FCN_LIVE_RESTART_GROWTH);

/**
 * Live consolidates (a fresh model on all the labels, LIVE_CONSOLIDATE_SECONDS after they last
 * changed) only when they have grown at least this much since the current model began: a model
 * that began on nearly the same labels has little to gain from starting over.
 */
const CONSOLIDATE_GROWTH = 1.1;

/**
 * The fresh model takes the overlay when it validates at least as well as the previous one did,
 * or when it has trained as long as that one had, but never later than this.
 */
const HANDOVER_MAX_MS = 10 * 60_000;

/** Time between validations, in multiples of the last one's duration: validation takes at most a tenth of the time. */
const VALIDATION_SPACING = 9;

/** The live jobs running in this process, by job id: how liveUpdate and liveFocus reach them. */
const sessions = new Map<string, LiveSession>();

export function liveSession(jobId: string): LiveSession {
  const session = sessions.get(jobId);
  if (!session) throw new AppError('NOT_FOUND', `no live job ${jobId} in the ML process`);
  return session;
}

/** What a running live job receives from outside: label updates and the focus image. */
export class LiveSession {
  focus: LiveFocus | null;
  /** Until when the user paints (ms, performance.now()); 0: not painting. */
  private paintingUntil = 0;
  private readonly waiters = new Set<() => void>();
  private focusImage: { imageId: number; path: string; rgb: Uint8Array; width: number; height: number; fullWidth: number; fullHeight: number } | null = null;

  constructor(
    readonly store: LiveSampleStore,
    readonly sampler: LiveSampler,
    private readonly request: LiveRequest,
  ) {
    this.focus = request.focus;
  }

  /** Applies new labels in place; images that fail to load are reported, the rest still apply. */
  async update(update: LiveUpdate, emit: Emit): Promise<{ train: number; val: number }> {
    for (const id of update.remove) this.store.remove(id);
    await Promise.all(
      update.upsert.map(async (item) => {
        try {
          await this.store.upsert(item);
          if (item.split === 'train') this.sampler.prioritise(item.imageId);
        } catch (err) {
          emit({ type: 'log', level: 'warn', jobId: this.request.jobId, message: `live: labels of image ${item.imageId} not taken: ${(err as Error).message}` });
        }
      }),
    );
    this.wake();
    return { train: this.store.list('train').length, val: this.store.list('val').length };
  }

  setFocus(focus: LiveFocus | null): void {
    this.focus = focus;
    this.wake();
  }

  setPainting(painting: boolean): void {
    this.paintingUntil = painting ? performance.now() + MAX_PAINTING_PAUSE_MS : 0;
    if (!painting) this.wake();
  }

  /** Resolves when the user is not painting (at once if they are not), or when `signal` aborts. */
  async paintingDone(signal: AbortSignal): Promise<void> {
    for (let left = this.paintingUntil - performance.now(); left > 0 && !signal.aborted; left = this.paintingUntil - performance.now()) {
      await this.waitForChange(signal, left);
    }
  }

  /** Resolves on the next update or focus change, after `ms`, or when `signal` aborts. */
  waitForChange(signal: AbortSignal, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The focus image at training scale: the store's copy when it has one, else decoded once. */
  async focusPixels(): Promise<{ imageId: number; rgb: Uint8Array; width: number; height: number; fullWidth: number; fullHeight: number } | null> {
    const focus = this.focus;
    if (!focus) return null;
    const held = this.store.get(focus.imageId);
    if (held) return held;
    if (this.focusImage?.imageId !== focus.imageId || this.focusImage.path !== focus.path) {
      this.focusImage = { imageId: focus.imageId, path: focus.path, ...(await decodeScaled(focus.path, { longSide: this.request.settings.longSide })) };
    }
    return this.focusImage;
  }
}

/**
 * A live run: trains on every labeled pixel of the train split in rounds of about
 * `roundSeconds`, predicts the focus image after each round, validates and checkpoints every
 * `checkpointSeconds`, and takes label updates between steps without stopping. Runs until cancelled.
 */
export async function runLive(req: LiveRequest, emit: Emit, signal: AbortSignal): Promise<LiveResult> {
  if (sessions.has(req.jobId)) throw new AppError('CONFLICT', `live job ${req.jobId} is already running`);
  const { settings } = req;
  // The session exists before the first await: label updates sent while the backend starts are kept.
  const store = new LiveSampleStore({ scaling: { longSide: settings.longSide }, lut: valueToIndexTable(req.classValues), numClasses: req.classValues.length });
  const sampler = new LiveSampler(store, { batch: settings.batch, crop: settings.crop, seed: settings.seed, colorJitter: settings.colorJitter });
  const session = new LiveSession(store, sampler, req);
  sessions.set(req.jobId, session);
  const consolidateMs = (req.consolidateSeconds ?? LIVE_CONSOLIDATE_SECONDS) * 1000;
  let models: LiveModels | null = null;
  let round = req.startRound;
  let steps = 0;
  try {
    const loaded = session.update({ jobId: req.jobId, upsert: req.items, remove: [] }, emit);
    const choice = await selectBackend(settings.backend);
    emit({ type: 'backend', jobId: req.jobId, backend: choice.backend, reason: choice.reason });
    await loaded;
    const labeledPixels = () => store.classPixels().reduce((a, b) => a + b, 0);
    // Labeled pixels when the first model started are known with its first batch (0: not yet).
    const fresh = async (from: LiveRequest, startPixels: number): Promise<TrainedModel> => ({
      model: await initialModel(from, emit),
      optimizer: createOptimizer(optimizerConfig(req)),
      startedAt: performance.now(),
      startPixels,
      valMeanIoU: null,
      trained: new Map(),
    });
    models = new LiveModels(await fresh(req, 0));
    const checkpoints = new LiveCheckpoints(req, emit);
    let lossSinceCheckpoint = 0;
    let stepsSinceCheckpoint = 0;
    let lastCheckpoint = performance.now();
    let lastCheckpointMs = 0;
    let lastPredictMs = 0;
    const trace = process.env.FCN_LIVE_TRACE ? new LiveTrace() : null;
    // Mean training loss since the last checkpoint (NaN: no step since), and the bookkeeping after one.
    const trainLossSinceCheckpoint = () => (stepsSinceCheckpoint ? lossSinceCheckpoint / stepsSinceCheckpoint : Number.NaN);
    const checkpointed = (saveStarted: number) => {
      lossSinceCheckpoint = 0;
      stepsSinceCheckpoint = 0;
      lastCheckpoint = performance.now();
      lastCheckpointMs = lastCheckpoint - saveStarted;
      trace?.saved(lastCheckpointMs);
    };
    // The store's generation when the last batch was drawn: a later one means labels the model has not seen.
    let drawnGeneration = store.generation;
    while (!signal.aborted) {
      const labeled = labeledPixels();
      const current = models.current;
      if (current.startPixels === 0) current.startPixels = labeled;
      if (RESTART_GROWTH > 0 && current.startPixels > 0 && labeled >= RESTART_GROWTH * current.startPixels) {
        models.restart(await fresh({ ...req, startFrom: null }, labeled));
        emit({ type: 'log', level: 'info', jobId: req.jobId, message: `live: the labels grew from ${current.startPixels} to ${labeled} pixels since this model started: training again from scratch` });
      } else if (
        consolidateMs > 0 &&
        !models.consolidating &&
        current.startedAt < store.trainChangedAt &&
        performance.now() - store.trainChangedAt >= consolidateMs &&
        labeled >= CONSOLIDATE_GROWTH * current.startPixels
      ) {
        // The labels have rested: the model they will be judged by is one trained on all of them
        // from the start. The current one is validated and saved as it is, and keeps the overlay.
        const saveStarted = performance.now();
        current.valMeanIoU = await checkpoints.save(current.model, current.optimizer, store, round, trainLossSinceCheckpoint(), signal);
        checkpointed(saveStarted);
        if (signal.aborted) break;
        models.consolidate(await fresh({ ...req, startFrom: null }, labeled));
        emit({
          type: 'log',
          level: 'info',
          jobId: req.jobId,
          message: `live: the labels have not changed for ${consolidateMs / 1000} s: training a fresh model on all ${labeled} labeled pixels (the model began with ${current.startPixels}); the overlay keeps the previous model until the fresh one validates as well`,
        });
      }
      let { model, optimizer } = models.current;
      const started = performance.now();
      const roundMs = Math.max(req.roundSeconds * 1000, lastPredictMs / PREDICT_SHARE);
      let roundSteps = 0;
      let roundLoss = 0;
      // Steps trained on batches drawn since the labels last changed (−1: no change this round).
      let stepsSinceChange = -1;
      while (!signal.aborted) {
        // While the user paints, no step takes the CPU from the editor (a step in progress finishes).
        await session.paintingDone(signal);
        // A change counts from the batch drawn after it, wherever it arrived: mid-step, or while the
        // last round predicted or validated (a round started after it must still end one step on).
        if (store.generation !== drawnGeneration && stepsSinceChange < 0) stepsSinceChange = 0;
        drawnGeneration = store.generation;
        if (models.consolidating && store.trainChangedAt > models.current.startedAt) {
          // The user labels again before the fresh model caught up: it is dropped, and the previous
          // model (the overlay) trains on the change from this step on, so the overlay follows it.
          models.abandon();
          ({ model, optimizer } = models.current);
          emit({ type: 'log', level: 'info', jobId: req.jobId, message: 'live: the labels changed again: the previous model trains on' });
        }
        const sampleStarted = performance.now();
        const next = sampler.next();
        trace?.sampled(performance.now() - sampleStarted);
        if (!next) break;
        // The schedule runs from the last label change or from the model's start, the later.
        const settling = (performance.now() - Math.max(store.trainChangedAt, models.current.startedAt)) / 1000 / SETTLE_SECONDS;
        const learningRate = polyLearningRate(settings.learningRate, settling);
        setLearningRate(optimizer, learningRate);
        const stepStarted = performance.now();
        const loss = await trainStep(model, optimizer, next.batch);
        trace?.step(performance.now() - stepStarted, next.batch.n, learningRate);
        roundSteps++;
        roundLoss += loss;
        for (const d of next.drawn) models.current.trained.set(d.imageId, Math.max(d.version, models.current.trained.get(d.imageId) ?? 0));
        // Messages (label updates, cancel) are read here; a synchronous backend never yields otherwise.
        await new Promise((resolve) => setImmediate(resolve));
        if (stepsSinceChange >= 0) stepsSinceChange++;
        if (stepsSinceChange >= STEPS_AFTER_UPDATE || performance.now() - started >= roundMs) break;
      }
      if (roundSteps === 0) {
        // Nothing labeled yet: wait for the first stroke (or a new focus to predict).
        await session.waitForChange(signal, 1_000);
        continue;
      }
      round++;
      steps += roundSteps;
      lossSinceCheckpoint += roundLoss;
      stepsSinceCheckpoint += roundSteps;
      emit({
        type: 'live-round',
        jobId: req.jobId,
        round,
        steps: roundSteps,
        loss: roundLoss / roundSteps,
        seconds: (performance.now() - started) / 1000,
        trainImages: store.list('train').filter((s) => s.labeledPixels > 0).length,
        labeledPixels: labeledPixels(),
        consolidatingSeconds: models.consolidating ? (performance.now() - models.current.startedAt) / 1000 : null,
        numTensors: tf.memory().numTensors,
        memoryBytes: process.memoryUsage.rss(),
      });
      if (signal.aborted) break;
      // While consolidating, the fresh model may take over by time alone (no labeled val image).
      if (models.readyToHandOver(null, performance.now(), HANDOVER_MAX_MS)) handOver(models, null);
      const predictStarted = performance.now();
      if (await predictFocus(models.overlay, session, req, round, emit)) lastPredictMs = performance.now() - predictStarted;
      trace?.predicted(performance.now() - predictStarted);
      // Validation gets at most a tenth of the time (it feeds the status line and `best/`; the
      // steps are what make the model): with many val images it runs less often than checkpointSeconds.
      if (performance.now() - lastCheckpoint >= Math.max(req.checkpointSeconds * 1000, VALIDATION_SPACING * lastCheckpointMs)) {
        const saveStarted = performance.now();
        const trainLoss = trainLossSinceCheckpoint();
        if (models.consolidating) {
          // The fresh model is validated to know when it may take over; until then `last/` and the
          // run's curve stay the previous model's (what the overlay shows).
          const evaluation = await checkpoints.validate(model, store, signal);
          const meanIoU = meanIoUOf(evaluation, signal);
          const takeOver = models.readyToHandOver(meanIoU, performance.now(), HANDOVER_MAX_MS);
          if (takeOver) handOver(models, meanIoU);
          await checkpoints.record(model, optimizer, round, trainLoss, evaluation, signal, { writeLast: takeOver, report: takeOver, seconds: (performance.now() - saveStarted) / 1000 });
        } else {
          models.current.valMeanIoU = await checkpoints.save(model, optimizer, store, round, trainLoss, signal);
        }
        checkpointed(saveStarted);
        trace?.report(round);
      }
    }
    // Turning Live off keeps what it learned since the last checkpoint (not validated: the stop must
    // be quick); while consolidating, `last/` already holds the previous model, the overlay's.
    if (stepsSinceCheckpoint > 0 && !models.consolidating) {
      await checkpoints.save(models.current.model, models.current.optimizer, store, round, trainLossSinceCheckpoint(), signal);
    }
  } finally {
    sessions.delete(req.jobId);
    models?.disposeAll();
  }
  return { rounds: round - req.startRound, steps };

  function handOver(m: LiveModels, meanIoU: number | null): void {
    m.handOver();
    m.current.valMeanIoU = meanIoU;
    emit({
      type: 'log',
      level: 'info',
      jobId: req.jobId,
      message: `live: the fresh model takes over the overlay${meanIoU === null ? '' : ` (val mean IU ${meanIoU.toFixed(3)})`}`,
    });
  }
}

/**
 * FCN_LIVE_TRACE=1: one stderr line per checkpoint with where the live job's time went (steps,
 * focus predictions, validation and checkpoints, the rest) and the learning rate — how Live's
 * minutes compare with an explicit run's.
 */
class LiveTrace {
  private readonly started = performance.now();
  private steps = 0;
  private crops = 0;
  private stepMs = 0;
  private sampleMs = 0;
  private predictMs = 0;
  private saveMs = 0;
  private learningRate = 0;

  step(ms: number, crops: number, learningRate: number): void {
    this.steps++;
    this.crops += crops;
    this.stepMs += ms;
    this.learningRate = learningRate;
  }

  sampled(ms: number): void {
    this.sampleMs += ms;
  }

  predicted(ms: number): void {
    this.predictMs += ms;
  }

  saved(ms: number): void {
    this.saveMs += ms;
  }

  report(round: number): void {
    const wall = performance.now() - this.started;
    const minutes = wall / 60_000;
    const s = (ms: number) => (ms / 1000).toFixed(1);
    process.stderr.write(
      `live trace: ${s(wall)} s, round ${round}, ${this.steps} steps (${(this.steps / minutes).toFixed(1)}/min), ${this.crops} crops (${(this.crops / minutes).toFixed(0)}/min), ` +
        `lr ${this.learningRate.toExponential(2)}; seconds in steps ${s(this.stepMs)}, drawing batches ${s(this.sampleMs)}, focus predictions ${s(this.predictMs)}, validation+checkpoints ${s(this.saveMs)}, ` +
        `rest ${s(wall - this.stepMs - this.sampleMs - this.predictMs - this.saveMs)}\n`,
    );
  }
}

function optimizerConfig(req: LiveRequest): OptimizerConfig {
  return { name: req.settings.optimizer, learningRate: req.settings.learningRate, momentum: 0.9 };
}

async function initialModel(req: LiveRequest, emit: Emit): Promise<FcnModel> {
  if (req.startFrom && existsSync(join(req.startFrom, 'model.json'))) {
    const { model, optimizer } = await loadCheckpoint(req.startFrom);
    optimizer?.dispose();
    return model;
  }
  const { head, backbone, seed } = req.settings;
  const config = { head, backbone, numClasses: req.classValues.length, dropout: 0.5, seed };
  if (!req.initialWeights) return buildFcn(config);
  const { tensors, report } = await kerasInitialTensors(req.initialWeights.path, backbone);
  try {
    emit({ type: 'log', level: 'info', jobId: req.jobId, message: `live: initial weights: ${report.loaded.length} layers of ${report.kerasModel}` });
    emit({ type: 'live-weights', jobId: req.jobId, report });
    return buildFcn(config, tensors);
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

/** Predicts the focus image with the overlay's model as it is now (and the label versions it has trained on); its mask (class values) and confidence at training scale. */
async function predictFocus(overlay: TrainedModel, session: LiveSession, req: LiveRequest, round: number, emit: Emit): Promise<boolean> {
  const image = await session.focusPixels();
  if (!image) return false;
  const p = await predict(overlay.model, { data: Float32Array.from(image.rgb), width: image.width, height: image.height });
  const values = new Uint8Array(p.mask.length);
  for (let i = 0; i < values.length; i++) values[i] = req.classValues[p.mask[i]];
  const confidence = new Uint8Array(p.confidence.length);
  for (let i = 0; i < confidence.length; i++) confidence[i] = Math.round(p.confidence[i] * 255);
  emit({
    type: 'live-prediction',
    jobId: req.jobId,
    round,
    imageId: image.imageId,
    trainedVersion: overlay.trained.get(image.imageId) ?? null,
    // At training scale: a 12 MP image's full-size mask and confidence (24 MB) took the IPC channel
    // ~25 s a round, so overlays fell further behind each round; the backend scales them up.
    width: image.width,
    height: image.height,
    mask: values,
    confidence,
    meanEntropy: p.meanEntropy,
    meanMargin: p.meanMargin,
  });
  return true;
}

/**
 * The run's record: `last/` (and `best/` when val mean IU improves) with an epoch event per
 * checkpoint whose epoch is the round count.
 */
class LiveCheckpoints {
  private best: number | null = null;

  constructor(
    private readonly req: LiveRequest,
    private readonly emit: Emit,
  ) {
    recoverCheckpointDir(join(req.checkpointDir, 'last'));
    recoverCheckpointDir(join(req.checkpointDir, 'best'));
  }

  /** Mean IU and loss on the labeled val images (null: none, or `signal` aborted). */
  async validate(model: FcnModel, store: LiveSampleStore, signal: AbortSignal): Promise<EvaluateResult | null> {
    const val = store.list('val').filter((s) => s.labeledPixels > 0);
    // Batched as explicit validation is (up to 8 frames of one size a forward pass: ~1.7× faster per image on wasm).
    const source: BatchSource = { batches: () => wholeImageBatches(val) };
    return val.length && !signal.aborted ? evaluate(model, source, { signal }) : null;
  }

  /** Validates, then writes `best/` when val mean IU improved, `last/`, and the epoch event. Returns the val mean IU (null: not measured). */
  async save(model: FcnModel, optimizer: tfTypes.Optimizer, store: LiveSampleStore, round: number, trainLoss: number, signal: AbortSignal): Promise<number | null> {
    const started = performance.now();
    const evaluation = await this.validate(model, store, signal);
    await this.record(model, optimizer, round, trainLoss, evaluation, signal, { writeLast: true, report: true, seconds: (performance.now() - started) / 1000 });
    return meanIoUOf(evaluation, signal);
  }

  /**
   * Writes `best/` when `evaluation` improved on the best so far; with `writeLast`, `last/`; with
   * `report`, the epoch event (the run's curve and the status line).
   */
  async record(
    model: FcnModel,
    optimizer: tfTypes.Optimizer,
    round: number,
    trainLoss: number,
    evaluation: EvaluateResult | null,
    signal: AbortSignal,
    options: { writeLast: boolean; report: boolean; seconds: number },
  ): Promise<void> {
    const { jobId } = this.req;
    if (options.report) {
      this.emit({
        type: 'epoch',
        jobId,
        epoch: round,
        trainLoss,
        seconds: options.seconds,
        imagesPerSecond: 0,
        val: evaluation && { meanLoss: evaluation.meanLoss, metrics: evaluation.metrics, confusion: confusionRows(evaluation.confusion) },
      });
    }
    const metadata = { classValues: this.req.classValues, scaling: { longSide: this.req.settings.longSide }, live: true };
    this.emit({ type: 'saving', jobId, active: true });
    const meanIoU = meanIoUOf(evaluation, signal);
    if (meanIoU !== null && (this.best === null || meanIoU > this.best)) {
      this.best = meanIoU;
      const bestDir = join(this.req.checkpointDir, 'best');
      await saveCheckpoint(bestDir, model, { optimizer: null, epoch: round, metadata: { ...metadata, meanIoU } });
      this.emit({ type: 'checkpoint', jobId, kind: 'best', epoch: round, path: bestDir });
    }
    if (options.writeLast) {
      const lastDir = join(this.req.checkpointDir, 'last');
      await saveCheckpoint(lastDir, model, { optimizer, optimizerConfig: optimizerConfig(this.req), epoch: round, metadata });
      this.emit({ type: 'checkpoint', jobId, kind: 'last', epoch: round, path: lastDir });
    }
    this.emit({ type: 'saving', jobId, active: false });
  }
}

/** A validation's mean IU; null when there was none, it was cut short, or it is undefined (no class present). */
function meanIoUOf(evaluation: EvaluateResult | null, signal: AbortSignal): number | null {
  const meanIoU = evaluation?.metrics.meanIoU;
  return signal.aborted || meanIoU === undefined || Number.isNaN(meanIoU) ? null : meanIoU;
}
