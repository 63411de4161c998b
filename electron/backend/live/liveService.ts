import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import type { BackendPreference, LiveItem, MlJobEvent } from '../../../shared/contract/mlContract';
import { LIVE_OFF, type LivePrediction, type LiveStatus } from '../../../shared/domain/live';
import { readableCheckpointDir } from '../../ml/engine/checkpointDir';
import { resizeNearest } from '../../../shared/mask/resizeNearest';
import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import { lockRun } from '../training/runLock';
import { TRAIN_DEFAULTS, resolveTrainSettings, runConfigSchema, type TrainSettings } from '../../../shared/domain/training';
import { classValues, type RunInitialWeights } from '../training/trainingService';
import { recordEpochEvent } from '../training/epochRecord';
import { storePrediction } from '../training/predictionService';
import { IMAGENET_WEIGHTS, cachedPretrained } from '../training/pretrainedWeights';
import type { PredictionSummary } from '../../../shared/review/predictions';

export interface LiveServiceEvents {
  status(status: LiveStatus): void;
  prediction(prediction: LivePrediction): void;
  /** A live prediction stored as the live run's prediction of that image (what `predictions:saved` tells the grid and queues). */
  stored(jobId: string, summary: PredictionSummary): void;
}

export interface LiveOptions {
  /** Seconds of training between two predictions of the open image. */
  roundSeconds: number;
  /** Validation on labeled val images and a checkpoint at most this often. */
  checkpointSeconds: number;
  /** Crops per step (default: explicit training's, so Live learns as `train` does). */
  batch?: number;
  /** Compute backend (default: the training default, auto). */
  backend?: BackendPreference;
}

export const LIVE_DEFAULTS: LiveOptions = { roundSeconds: 1.5, checkpointSeconds: TRAIN_DEFAULTS.validateEverySeconds };

/** The catalogue backbone a new live run starts from when its ImageNet file is in the user cache (and no explicit run decides). */
const LIVE_CATALOGUE_BACKBONE = 'mobilenetv2';

/** project_meta keys: whether Live is on for this project, and the run it trains. */
const ENABLED_KEY = 'live.enabled';
const RUN_KEY = 'live.runId';

interface LiveJob {
  jobId: string;
  runId: number;
  /** The class values the job's network outputs. */
  classValues: number[];
  /** Settles when the ML job has ended and the run row is finished. */
  done: Promise<void>;
  cancel(): void;
}

/**
 * Live training for one open project: a live job in the ML process that keeps training while
 * the user labels. Saved labels are forwarded at once; the open image's prediction arrives after
 * every round; the live model is a run (rows, epochs = rounds, checkpoints). An explicit training
 * run takes the ML process over (`takeover`) and Live continues the same run after it.
 */
export class LiveService {
  private state: LiveStatus = { ...LIVE_OFF };
  private job: LiveJob | null = null;
  /** Label version and split of each image as the live job has it. */
  private readonly sent = new Map<number, { version: number; split: 'train' | 'val' }>();
  private focusImageId: number | null = null;
  private takeovers = 0;
  private closed = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly project: Project,
    private readonly ml: MlSupervisor,
    private readonly events: LiveServiceEvents,
    private readonly options: LiveOptions = LIVE_DEFAULTS,
  ) {}

  /** Whether the user left Live on in this project (it starts again when the project opens). */
  get enabled(): boolean {
    return this.project.meta.get(ENABLED_KEY) === '1';
  }

  status(): LiveStatus {
    return { ...this.state };
  }

  /** Turns Live on (remembered for the project) and starts training unless a training run holds the ML process. */
  start(focusImageId: number | null = this.focusImageId): LiveStatus {
    this.project.meta.set(ENABLED_KEY, '1');
    this.focusImageId = focusImageId;
    if (!this.job && this.takeovers === 0) this.launch();
    return this.status();
  }

  /** Turns Live off (remembered): the job stops within a second, keeping what it learned in `last/`. */
  async stop(): Promise<LiveStatus> {
    this.project.meta.set(ENABLED_KEY, '0');
    await this.halt();
    this.setStatus({ ...LIVE_OFF, runId: this.state.runId });
    return this.status();
  }

  /** Stops the job without changing the remembered toggle (the project is closing). */
  async dispose(): Promise<void> {
    this.closed = true;
    await this.halt();
  }

  /** Runs `work` (an explicit training run) with the ML process to itself; Live resumes after it. */
  async takeover<T>(work: () => Promise<T>): Promise<T> {
    this.takeovers++;
    try {
      if (this.job) {
        await this.halt();
        this.setStatus({ state: 'paused' });
      }
      return await work();
    } finally {
      this.takeovers--;
      if (this.takeovers === 0 && this.enabled && !this.closed && !this.job) this.launch();
    }
  }

  /** The classes changed (added, deleted): the network's outputs follow, so Live starts again (a new run). */
  async classesChanged(): Promise<void> {
    // A rename, recolour or reorder leaves the values (and so the network's outputs) as they are.
    if (!this.job || JSON.stringify(this.job.classValues) === JSON.stringify(classValues(this.project))) return;
    await this.halt();
    if (this.enabled && !this.closed && this.takeovers === 0 && !this.job) this.launch();
  }

  /** The editor's open image: its prediction follows every round. */
  setFocus(imageId: number | null): void {
    this.focusImageId = imageId;
    const job = this.job;
    if (!job) return;
    void this.ml.request('liveFocus', { jobId: job.jobId, focus: this.focusOf(imageId) }).catch(() => {});
  }

  /** The user started (true) or stopped (false) painting: the live job trains no step meanwhile. */
  setPainting(painting: boolean): void {
    const job = this.job;
    if (!job) return;
    void this.ml.request('livePainting', { jobId: job.jobId, painting }).catch(() => {
      // The job is ending: nothing to pause.
    });
  }

  /**
   * Labels or splits changed (a save, a split change): the live job gets exactly the images whose
   * label version or split differ from what it holds, in place; nothing else is reloaded.
   */
  imagesChanged(): void {
    const job = this.job;
    if (!job) return;
    // One sync at a time, in order: a later save never overtakes an earlier one.
    this.syncing = this.syncing.then(() => this.sync(job)).catch(() => {});
  }

  private async sync(job: LiveJob): Promise<void> {
    if (this.job !== job) return;
    const learnable = this.learnable();
    const changed = learnable.filter((i) => {
      const held = this.sent.get(i.id);
      return !held || held.version !== i.version || held.split !== i.split;
    });
    const present = new Set(learnable.map((i) => i.id));
    const remove = [...this.sent.keys()].filter((id) => !present.has(id));
    if (changed.length === 0 && remove.length === 0) return;
    const upsert = this.withMasks(changed);
    for (const i of upsert) this.sent.set(i.imageId, { version: i.version, split: i.split });
    for (const id of remove) this.sent.delete(id);
    const valImages = learnable.filter((i) => i.split === 'val').length;
    if (this.state.state === 'waiting' && upsert.some((i) => i.split === 'train')) this.setStatus({ state: 'starting', valImages });
    else if (valImages !== this.state.valImages) this.setStatus({ valImages });
    try {
      await this.ml.request('liveUpdate', { jobId: job.jobId, upsert, remove }, 5 * 60_000);
    } catch {
      // Not taken (the job is ending or its process died): a later sync, or the next start, sends them again.
      for (const i of upsert) this.sent.delete(i.imageId);
    }
  }

  /** Labeled train and val images whose files are where they were (no masks read). */
  private learnable(): Array<{ id: number; path: string; version: number; split: 'train' | 'val' }> {
    const out: Array<{ id: number; path: string; version: number; split: 'train' | 'val' }> = [];
    for (const image of this.project.images.all()) {
      if ((image.split !== 'train' && image.split !== 'val') || image.labelVersion === 0 || image.fileState !== 'ok') continue;
      out.push({ id: image.id, path: image.path, version: image.labelVersion, split: image.split });
    }
    return out;
  }

  /** The live job's items for these images: their files and current masks. */
  private withMasks(images: ReturnType<LiveService['learnable']>): LiveItem[] {
    const items: LiveItem[] = [];
    for (const image of images) {
      const mask = this.project.masks.current(image.id);
      if (mask) items.push({ imageId: image.id, path: this.project.resolveImagePath(image.path), maskPng: mask.png, version: mask.version, split: image.split });
    }
    return items;
  }

  private focusOf(imageId: number | null): { imageId: number; path: string } | null {
    const image = imageId === null ? undefined : this.project.images.byId(imageId);
    return image && image.fileState === 'ok' ? { imageId: image.id, path: this.project.resolveImagePath(image.path) } : null;
  }

  private launch(): void {
    const project = this.project;
    try {
      const values = classValues(project);
      if (values.length < 2) throw new AppError('BAD_REQUEST', 'Live needs at least two classes');
      const { runId, startRound, unlock, settings, initialWeights } = this.liveRun(values);
      const jobId = `live-${runId}-${Date.now()}`;
      const checkpointDir = join(project.dir, 'checkpoints', `run-${runId}`);
      this.sent.clear();
      const items = this.withMasks(this.learnable());
      for (const i of items) this.sent.set(i.imageId, { version: i.version, split: i.split });
      const state = items.some((i) => i.split === 'train') ? 'starting' : 'waiting';
      this.setStatus({ ...LIVE_OFF, state, runId, round: startRound, valImages: items.filter((i) => i.split === 'val').length });

      const controller = new AbortController();
      const onEvent = (event: MlJobEvent<'live'>) => {
        if (event.type === 'backend') project.runs.setBackend(runId, event.backend, event.reason);
        if (event.type === 'live-weights' && initialWeights) {
          // What the file gave, as an explicit run stores it (a catalogue file's is only known now).
          const run = project.runs.byId(runId);
          if (run) project.runs.setConfig(runId, { ...run.config, initialWeights: { source: initialWeights.source, path: initialWeights.path, report: event.report } });
        }
        if (event.type === 'checkpoint') project.runs.recordCheckpoint(runId, { kind: event.kind, epoch: event.epoch, path: event.path });
        if (event.type === 'epoch') {
          recordEpochEvent(project, runId, event);
          if (event.val) this.setStatus({ valMeanIoU: event.val.metrics.meanIoU });
        }
        if (event.type === 'live-round') {
          const now = Date.now();
          // Kept from the round that began consolidating, so the status line's clock does not jitter.
          const consolidatingSince = event.consolidatingSeconds === null ? null : (this.state.consolidatingSince ?? now - event.consolidatingSeconds * 1000);
          this.setStatus({ state: 'training', round: event.round, trainImages: event.trainImages, labeledPixels: event.labeledPixels, lastRoundAt: now, consolidatingSince });
        }
        if (event.type === 'live-prediction') {
          const { type: _type, jobId: _jobId, ...atTrainingScale } = event;
          const prediction = atImageSize(atTrainingScale, project.images.byId(event.imageId));
          this.events.prediction({ runId, ...prediction });
          this.store(jobId, runId, { type: 'live-prediction', jobId, ...prediction });
        }
      };
      const request = {
        jobId,
        settings,
        classValues: values,
        items,
        focus: this.focusOf(this.focusImageId),
        checkpointDir,
        startFrom: startRound > 0 ? join(checkpointDir, 'last') : null,
        startRound,
        initialWeights: initialWeights && { source: initialWeights.source, path: initialWeights.path },
        roundSeconds: this.options.roundSeconds,
        checkpointSeconds: this.options.checkpointSeconds,
      };
      // Turning Live off is the job's cancel: the supervisor kills a job still running a second later (never mid-save).
      const done = this.ml
        .runJob('live', request, { onEvent, signal: controller.signal })
        .then(
          () => project.runs.finish(runId, 'completed'),
          (err: Error) => {
            if (controller.signal.aborted) {
              // Killed at the deadline: what the last checkpoint holds is the run.
              project.runs.reopen(runId, checkpointRound(checkpointDir) ?? 0);
              project.runs.finish(runId, 'completed');
              return;
            }
            project.runs.finish(runId, 'failed', err.message);
            this.setStatus({ state: 'failed', error: `Live stopped: ${err.message}` });
          },
        )
        // The project may have been closed under a job told to stop (closeProject): nothing is left to record.
        .catch(() => {})
        .finally(() => {
          try {
            unlock();
          } catch {
            // Closed database: the lease goes with the process (it then reads as interrupted, and resumes).
          }
          if (this.job?.jobId === jobId) this.job = null;
        });
      this.job = { jobId, runId, classValues: values, done, cancel: () => controller.abort() };
    } catch (err) {
      this.setStatus({ ...LIVE_OFF, state: 'failed', error: (err as Error).message });
    }
  }

  /**
   * Keeps a live prediction as the live run's prediction of its image (replacing the previous one),
   * so accept, the grid and "label next" work from it as from an explicit run's.
   */
  private store(jobId: string, runId: number, p: MlJobEvent<'live'> & { type: 'live-prediction' }): void {
    try {
      const summary = storePrediction(this.project, runId, { ...p, type: 'prediction' });
      this.events.stored(jobId, summary);
    } catch {
      // The project closed under a last round: the overlay had it, and the next live round stores a newer one.
    }
  }

  /**
   * The project's live run, continued where its last checkpoint is (with the settings it was
   * started with), or a new one: train's defaults, or — where the project's newest explicit run
   * started from Keras weights whose file is still there — that run's head, backbone and weights
   * (the user has them), with train's learning rate for a pretrained start.
   */
  private liveRun(values: number[]): { runId: number; startRound: number; unlock: () => void; settings: TrainSettings; initialWeights: Pick<RunInitialWeights, 'source' | 'path'> | null } {
    const project = this.project;
    const previous = Number(project.meta.get(RUN_KEY));
    const run = previous ? project.runs.byId(previous) : undefined;
    const round = run && JSON.stringify(run.config.classValues) === JSON.stringify(values) ? checkpointRound(join(project.dir, 'checkpoints', `run-${run.id}`)) : null;
    if (run && round !== null) {
      const config = runConfigSchema.parse(run.config);
      const unlock = lockRun(project, run.id);
      project.runs.reopen(run.id, round);
      return { runId: run.id, startRound: round, unlock, settings: config.settings, initialWeights: null };
    }
    const initialWeights = this.usersWeights();
    const sides = project.images.all().map((i) => Math.max(i.width, i.height));
    const input = { backend: this.options.backend, batch: this.options.batch, head: initialWeights?.head, backbone: initialWeights?.backbone };
    // A live run has no epoch count or time budget: it trains until turned off.
    const settings: TrainSettings = { ...resolveTrainSettings(input, sides.length ? Math.max(...sides) : 480, initialWeights !== null), epochs: null, maxMinutes: null };
    const weights = initialWeights && { source: initialWeights.source, path: initialWeights.path };
    // A catalogue file's report is recorded when the job has read it (`live-weights`).
    const recorded = initialWeights?.report ? { ...weights, report: initialWeights.report } : null;
    const [runId, unlock] = project.db.transaction(() => {
      const id = project.runs.create({ settings, classValues: values, trainImages: 0, valImages: 0, initialWeights: recorded, live: true });
      return [id, lockRun(project, id)] as const;
    })();
    project.meta.set(RUN_KEY, String(runId));
    return { runId, startRound: 0, unlock, settings, initialWeights: weights };
  }

  /**
   * The weights a new live run starts from: the newest explicit run's choice where the project has
   * one (its Keras file while it is still there, with its head and backbone; none if it had none),
   * else MobileNetV2's ImageNet weights where the catalogue download is already in the user cache
   * (never downloaded for Live; VGG16's are followed only through an explicit run: on a CPU its
   * steps are too slow for a live loop); else null (train's default backbone from scratch). A
   * catalogue file's report comes from the ML job (`live-weights`) once it has read the file.
   */
  private usersWeights(): (Omit<RunInitialWeights, 'report'> & { report: RunInitialWeights['report'] | null; head: TrainSettings['head']; backbone: TrainSettings['backbone'] }) | null {
    for (const run of this.project.runs.all()) {
      if (run.config.live === true) continue;
      const config = runConfigSchema.safeParse(run.config);
      if (!config.success) continue;
      const weights = config.data.initialWeights;
      if (!weights || !existsSync(weights.path)) return null;
      return { ...weights, head: config.data.settings.head, backbone: config.data.settings.backbone };
    }
    const catalogue = cachedPretrained(IMAGENET_WEIGHTS[LIVE_CATALOGUE_BACKBONE]);
    return catalogue ? { source: 'imagenet', path: catalogue, report: null, head: TRAIN_DEFAULTS.head, backbone: LIVE_CATALOGUE_BACKBONE } : null;
  }

  private async halt(): Promise<void> {
    const job = this.job;
    if (!job) return;
    job.cancel();
    await job.done;
  }

  private setStatus(change: Partial<LiveStatus>): void {
    this.state = { ...this.state, ...change };
    this.events.status(this.status());
  }
}

/** A live prediction (the ML process sends it at training scale) at its image's size, as overlays and stored predictions are; nearest-neighbour. */
export function atImageSize<P extends { width: number; height: number; mask: Uint8Array; confidence: Uint8Array }>(p: P, image: { width: number; height: number } | undefined): P {
  if (!image || (image.width === p.width && image.height === p.height)) return p;
  return {
    ...p,
    width: image.width,
    height: image.height,
    mask: resizeNearest(p.mask, p.width, p.height, image.width, image.height),
    confidence: resizeNearest(p.confidence, p.width, p.height, image.width, image.height),
  };
}

/** The round of a live run's `last/` checkpoint; null when it has none. */
function checkpointRound(checkpointDir: string): number | null {
  const path = join(readableCheckpointDir(join(checkpointDir, 'last')), 'model.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { epoch: number }).epoch : null;
}
