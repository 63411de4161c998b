import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import type { DatasetItem, MlJobEvent, TrainResult } from '../../../shared/contract/mlContract';
import type { Split } from '../../../shared/domain/images';
import { recoverCheckpointDir } from '../../ml/engine/checkpointDir';
import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import { resolveInitialWeights } from './pretrainedWeights';
import { lockRun } from './runLock';
import { z } from 'zod';
import { runConfigSchema, trainSettingsInputSchema, type RunConfig } from '../../../shared/domain/training';
import { resolveTrainSettings, type TrainSettings, type TrainSettingsInput } from './trainingDefaults';
import { recordEpochEvent } from './epochRecord';

/** The weights a run started from, as stored in its config (`initialWeights`). */
export type RunInitialWeights = NonNullable<RunConfig['initialWeights']>;

export type TrainEvent =
  | MlJobEvent<'train'>
  | { type: 'run'; runId: number }
  /** Downloading ImageNet weights (once; later runs find them in the cache). */
  | { type: 'download'; bytes: number; total: number | null }
  | { type: 'weights'; weights: RunInitialWeights };

export interface TrainOutcome extends TrainResult {
  runId: number;
  settings: TrainSettings;
  initialWeights: RunInitialWeights | null;
}

/** `--weights`: a Keras .h5 file, `imagenet` (downloaded once into the user cache) or `none`. */
export interface TrainInput extends TrainSettingsInput {
  resume?: string;
  weights?: string;
}

/** Labeled images of a split whose files are where they were, as the ML process reads them. */
export function datasetItems(project: Project, split: Split): DatasetItem[] {
  return project.images
    .all()
    .filter((i) => i.split === split && i.labelVersion > 0 && i.fileState === 'ok')
    .map((i) => ({ imageId: i.id, path: project.resolveImagePath(i.path), maskPng: project.masks.current(i.id)!.png }));
}

export function classValues(project: Project): number[] {
  return project.classes
    .list()
    .map((c) => c.value)
    .sort((a, b) => a - b);
}

/** Finds a run by id or `latest`. */
export function resolveRun(project: Project, ref: string): number {
  const run = ref === 'latest' ? project.runs.latest() : project.runs.byId(Number(ref));
  if (!run) throw new AppError('NOT_FOUND', ref === 'latest' ? 'this project has no training runs yet' : `run ${ref} does not exist`);
  return run.id;
}

/**
 * Trains a new run, or resumes one from its last checkpoint: the ML process trains, the backend
 * stores each epoch and checkpoint as it is reported, and a run whose ML process dies is marked
 * failed with the way back (`--resume`), never left "running".
 */
export async function train(
  project: Project,
  ml: MlSupervisor,
  input: TrainInput,
  onEvent: (event: TrainEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<TrainOutcome> {
  // The renderer's request was checked at the edge; the CLI's flags are checked here, by the same schema.
  const checked = trainSettingsInputSchema.safeParse(input);
  if (!checked.success) throw new AppError('BAD_REQUEST', z.prettifyError(checked.error));
  const trainItems = datasetItems(project, 'train');
  const valItems = datasetItems(project, 'val');
  if (trainItems.length === 0) {
    throw new AppError('BAD_REQUEST', 'no labeled images in the train split: label some images and assign splits (auto-split) first');
  }
  const values = classValues(project);
  if (values.length < 2) throw new AppError('BAD_REQUEST', 'training needs at least two classes');

  let runId: number;
  let unlock: () => void;
  let settings: TrainSettings;
  let resume: { epoch: number; bestMeanIoU: number | null } | null = null;
  let initialWeights: RunInitialWeights | null = null;
  if (input.resume) {
    runId = resolveRun(project, input.resume);
    const run = project.runs.byId(runId)!;
    if (run.status === 'completed') throw new AppError('CONFLICT', `run ${runId} completed; start a new run instead`);
    // Before its checkpoint folder is touched: another process may be training this run now.
    unlock = lockRun(project, runId);
    try {
      const config = runConfigSchema.parse(run.config);
      settings = config.settings;
      const epoch = checkpointEpoch(project, runId) ?? 0;
      const kept = project.runs.epochs(runId).filter((e) => e.epoch <= epoch && e.meanIoU !== null);
      // The score `best/` was saved with (older checkpoints: the best stored epoch up to `last/`).
      const bestManifest = readManifest(join(project.dir, 'checkpoints', `run-${runId}`, 'best'));
      const bestScore = bestManifest?.userDefinedMetadata?.meanIoU;
      resume = { epoch, bestMeanIoU: typeof bestScore === 'number' ? bestScore : kept.length ? Math.max(...kept.map((e) => e.meanIoU!)) : null };
      project.runs.reopen(runId, epoch);
      initialWeights = config.initialWeights;
    } catch (err) {
      unlock();
      throw err;
    }
  } else {
    const largest = Math.max(...project.images.all().filter((i) => i.split === 'train').map((i) => Math.max(i.width, i.height)));
    settings = resolveTrainSettings(checked.data, largest, (input.weights ?? 'none') !== 'none');
    // The file is found (or downloaded) and checked against the backbone before a run exists, so
    // a wrong file is an answer, not a failed run.
    let lastReport = 0;
    const weights = await resolveInitialWeights(input.weights, settings.backbone, {
      signal,
      onProgress: (bytes, total) => {
        // A few events a second, and the last one, are plenty for a progress bar.
        if (performance.now() - lastReport < 200 && bytes !== total) return;
        lastReport = performance.now();
        onEvent({ type: 'download', bytes, total });
      },
    });
    if (weights) {
      initialWeights = { ...weights, report: await ml.request('inspectWeights', { path: weights.path, backbone: settings.backbone }) };
      onEvent({ type: 'weights', weights: initialWeights });
    }
    // A cancel during the download or the weights check stops here: no empty run is left behind.
    if (signal?.aborted) throw new AppError('CANCELLED', 'cancelled before the run started');
    // Created and locked at once: no other process ever sees it running without a trainer.
    [runId, unlock] = project.db.transaction(() => {
      const config: RunConfig = { settings, classValues: values, trainImages: trainItems.length, valImages: valItems.length, initialWeights };
      const id = project.runs.create(config);
      return [id, lockRun(project, id)] as const;
    })();
  }

  const jobId = `run-${runId}`;
  onEvent({ type: 'run', runId });
  let epochsDone = 0;
  const onJobEvent = (event: MlJobEvent<'train'>) => {
    if (event.type === 'backend') project.runs.setBackend(runId, event.backend, event.reason);
    if (event.type === 'epoch') {
      epochsDone++;
      recordEpochEvent(project, runId, event);
    }
    if (event.type === 'checkpoint') project.runs.recordCheckpoint(runId, { kind: event.kind, epoch: event.epoch, path: event.path });
    onEvent(event);
  };
  // The supervisor's job protocol: a step is synchronous in the ML process (seconds for a big net
  // on a CPU), so a run that has not stopped within the cancel deadline has its process killed
  // (never while it writes checkpoints); that ends the job with CANCELLED.
  try {
    if (signal?.aborted) throw new AppError('CANCELLED', 'cancelled before training started');
    const result = await ml.runJob(
      'train',
      {
        jobId,
        settings,
        classValues: values,
        train: trainItems,
        val: valItems,
        checkpointDir: join(project.dir, 'checkpoints', `run-${runId}`),
        resume,
        // Used only where the run has no checkpoint yet: a resumed run continues from its own weights.
        initialWeights: initialWeights && { source: initialWeights.source, path: initialWeights.path },
      },
      { onEvent: onJobEvent, signal },
    );
    project.runs.finish(runId, result.cancelled ? 'cancelled' : 'completed');
    return { ...result, runId, settings, initialWeights };
  } catch (err) {
    const code = (err as AppError).code;
    // Ctrl-C on a terminal also reaches the ML process, which dies of it: a cancel all the same.
    if (code === 'CANCELLED' || (signal?.aborted && code === 'ML_PROCESS_DIED')) {
      // The process is dead: finish any swap it left half done (removing half-written folders),
      // and keep no epoch row past the checkpoint a resume will start from, so `--resume`
      // continues the run (a process killed outside a save has no such row).
      const kept = checkpointEpoch(project, runId) ?? 0;
      project.runs.reopen(runId, kept);
      project.runs.finish(runId, 'cancelled');
      const epochs = Math.min(epochsDone, Math.max(0, kept - (resume?.epoch ?? 0)));
      return { epochs, cancelled: true, stoppedBy: 'cancel', runId, settings, initialWeights };
    }
    const message = (err as Error).message;
    project.runs.finish(runId, 'failed', `${message}; continue with \`fcn-studio train --resume ${runId}\``);
    throw new AppError((err as AppError).code ?? 'INTERNAL', `run ${runId} failed: ${message}. Continue it with \`fcn-studio train --project ${project.dir} --resume ${runId}\``);
  } finally {
    unlock();
  }
}

interface ManifestHead {
  epoch: number;
  userDefinedMetadata?: { meanIoU?: unknown };
}

function readManifest(dir: string): ManifestHead | null {
  const path = join(dir, 'model.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ManifestHead) : null;
}

/**
 * The epoch of a run's `last/` checkpoint (null: none yet), after putting back any checkpoint a
 * process killed mid-save left swapped out. Only while no ML process writes this run.
 */
function checkpointEpoch(project: Project, runId: number): number | null {
  const dir = join(project.dir, 'checkpoints', `run-${runId}`);
  recoverCheckpointDir(join(dir, 'last'));
  recoverCheckpointDir(join(dir, 'best'));
  return readManifest(join(dir, 'last'))?.epoch ?? null;
}
