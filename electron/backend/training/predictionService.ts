import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import type { PredictionEvent } from '../../../shared/contract/mlContract';
import type { EvaluationScores, InitialWeightsSummary } from '../../../shared/contract/rendererContract';
import { accumulateConfusion, confusionRows, createConfusionMatrix, segmentationMetrics, type SegmentationMetrics } from '../../../shared/metrics';
import { valueToIndexTable } from '../../../shared/domain/classes';
import type { Split } from '../../../shared/domain/images';
import { decodeMaskPng, encodeMaskPng } from '../../../shared/mask/maskPng';
import { labelAgreement, type LabelAgreement } from '../../../shared/review/labelAgreement';
import type { PredictionSummary, PredictionTarget } from '../../../shared/review/predictions';
import { readableCheckpointDir } from '../../ml/engine/checkpointDir';
import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import type { TrainSettings } from './trainingDefaults';
import { runInitialWeights } from './runSummaries';
import { classValues, resolveRun } from './trainingService';

/** The newest run that has a checkpoint to predict with (its best, else its last). */
export function defaultPredictionRun(project: Project): number {
  const run = project.runs.all().find((r) => project.runs.checkpoints(r.id).length > 0);
  if (!run) throw new AppError('NOT_FOUND', 'no run has a checkpoint yet: train a model first (a run saves one after each epoch)');
  return run.id;
}

/** Which checkpoint of a run: `best` (by val mean IU, else its last) or `last` (the model as it was when the run stopped). */
export type CheckpointChoice = 'best' | 'last';

/** The checkpoint a run predicts with: its best (by val mean IU), else its last; or its last when asked. */
export function runCheckpoint(project: Project, runId: number, choice: CheckpointChoice = 'best'): string {
  const checkpoints = project.runs.checkpoints(runId);
  const chosen = (choice === 'best' ? checkpoints.find((c) => c.kind === 'best') : undefined) ?? checkpoints.find((c) => c.kind === 'last');
  // A checkpoint being swapped into place (or left half swapped by a killed process) is read from
  // the folder it replaces.
  if (!chosen || !existsSync(join(readableCheckpointDir(chosen.path), 'model.json'))) {
    throw new AppError('NOT_FOUND', `run ${runId} has no checkpoint yet (it saves one after each epoch)`);
  }
  return chosen.path;
}

/**
 * Predicts images with a run's checkpoint as one ML job; each prediction is handed to
 * `onPrediction` as it arrives (the caller stores it or writes it out). Aborting `signal` cancels
 * the job within the supervisor's deadline; the predictions made until then are kept.
 */
export async function predictImages(
  project: Project,
  ml: MlSupervisor,
  runRef: string,
  items: Array<{ imageId: number; path: string }>,
  onPrediction: (p: PredictionEvent) => void,
  signal?: AbortSignal,
  checkpoint: CheckpointChoice = 'best',
): Promise<{ runId: number; predicted: number; predictedWith: PredictedWith | null }> {
  const runId = resolveRun(project, runRef);
  const run = project.runs.byId(runId)!;
  const settings = run.config.settings as TrainSettings;
  let predictedWith: PredictedWith | null = null;
  const { predicted } = await ml.runJob(
    'predict',
    {
      jobId: `predict-${runId}-${Date.now()}-${++jobCounter}`,
      checkpoint: runCheckpoint(project, runId, checkpoint),
      backend: settings.backend,
      classValues: run.config.classValues as number[],
      scaling: { longSide: settings.longSide },
      items,
    },
    {
      signal,
      onEvent: (event) => {
        if (event.type === 'prediction') onPrediction(event);
        if (event.type === 'backend') predictedWith = { backend: event.backend, reason: event.reason };
      },
    },
  );
  return { runId, predicted, predictedWith };
}
let jobCounter = 0;

/** Compares a prediction with the image's current label (null agreement where it has none). */
function currentAgreement(project: Project, imageId: number, predicted: Uint8Array): { labelVersion: number; agreement: LabelAgreement | null } {
  const stored = project.masks.current(imageId);
  if (!stored) return { labelVersion: 0, agreement: null };
  return { labelVersion: stored.version, agreement: labelAgreement(predicted, decodeMaskPng(stored.png).values) };
}

/** Stores one prediction of a run as review data: masks, uncertainty, and agreement with the current label. */
export function storePrediction(project: Project, runId: number, p: PredictionEvent): PredictionSummary {
  const { labelVersion, agreement } = currentAgreement(project, p.imageId, p.mask);
  return project.predictions.save({
    runId,
    imageId: p.imageId,
    maskPng: encodeMaskPng({ width: p.width, height: p.height, values: p.mask }),
    confidencePng: encodeMaskPng({ width: p.width, height: p.height, values: p.confidence }),
    meanEntropy: p.meanEntropy,
    meanMargin: p.meanMargin,
    labelVersion,
    agreement,
  });
}

/** How long one request may spend recomputing stale agreement; the rest reads as unknown until the next. */
export const AGREEMENT_REFRESH_BUDGET_MS = 150;

/**
 * Recomputes agreement where a label was saved after the prediction (decoding two 8-bit PNGs per
 * image: milliseconds each), for at most `budgetMs` so a backend answering the UI never stalls on
 * thousands of them; rows not reached read as unknown (the repository never returns a stale
 * figure). Returns how many were recomputed.
 */
export function refreshAgreement(project: Project, runId: number, imageId?: number, budgetMs = AGREEMENT_REFRESH_BUDGET_MS): number {
  const stale =
    imageId === undefined
      ? project.predictions.stale(runId)
      : [project.predictions.staleVersion(runId, imageId)].flatMap((v) => (v === null ? [] : [{ imageId, labelVersion: v }]));
  const deadline = performance.now() + budgetMs;
  let done = 0;
  for (const { imageId: id } of stale) {
    if (done > 0 && performance.now() > deadline) break;
    const mask = project.predictions.mask(runId, id);
    if (!mask) continue;
    const { labelVersion, agreement } = currentAgreement(project, id, decodeMaskPng(mask).values);
    project.predictions.setAgreement(runId, id, labelVersion, agreement);
    done++;
  }
  return done;
}

/** The images a prediction target names, whose files are where they were. */
export function predictionItems(project: Project, target: PredictionTarget): Array<{ imageId: number; path: string }> {
  let images = project.images.all().filter((i) => i.fileState === 'ok');
  if (target.kind === 'images') {
    const wanted = new Set(target.ids);
    images = images.filter((i) => wanted.has(i.id));
  } else if (target.kind === 'split') {
    images = images.filter((i) => i.split === target.split);
  } else {
    const unlabeled = new Set(project.images.list({ status: 'unlabeled', sort: 'name', descending: false }).map((r) => r.id));
    images = images.filter((i) => unlabeled.has(i.id));
  }
  if (images.length === 0) throw new AppError('BAD_REQUEST', `no readable images to predict (${describeTarget(target)})`);
  return images.map((i) => ({ imageId: i.id, path: project.resolveImagePath(i.path) }));
}

function describeTarget(target: PredictionTarget): string {
  if (target.kind === 'images') return `${target.ids.length} chosen image${target.ids.length === 1 ? '' : 's'}`;
  return target.kind === 'split' ? `the ${target.split} split` : 'unlabeled images';
}

export interface ReviewPredictionOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
  onSaved?(summary: PredictionSummary): void;
}

/**
 * The app's prediction job: predicts the target's images with a run (default: the newest with a
 * checkpoint) and stores each as review data the moment it arrives. Labels are never touched.
 */
export async function predictForReview(
  project: Project,
  ml: MlSupervisor,
  runId: number,
  items: Array<{ imageId: number; path: string }>,
  options: ReviewPredictionOptions = {},
): Promise<{ runId: number; predicted: number; cancelled: boolean }> {
  let done = 0;
  options.onProgress?.(0, items.length);
  try {
    const { predicted } = await predictImages(
      project,
      ml,
      String(runId),
      items,
      (p) => {
        // Stored first, whether or not anyone listens (an optional call would skip its argument).
        const summary = storePrediction(project, runId, p);
        options.onSaved?.(summary);
        options.onProgress?.(++done, items.length);
      },
      options.signal,
    );
    return { runId, predicted, cancelled: options.signal?.aborted ?? false };
  } catch (err) {
    if ((err as AppError).code === 'CANCELLED') return { runId, predicted: done, cancelled: true };
    throw err;
  }
}

/** What computed the predictions (e.g. onnxruntime on CPUs) and why. */
export interface PredictedWith {
  backend: string;
  reason: string;
}

export interface EvaluationReport extends EvaluationScores {
  split: Split;
  /** The Keras weights the run started from; null: freshly initialised. */
  initialWeights: InitialWeightsSummary | null;
  predictedWith: PredictedWith | null;
}

/**
 * Predicts every labeled image of a split at full resolution, stores the predictions (argmax and
 * confidence, for review), and scores them against the labels with the paper's metrics.
 */
export async function evaluateRun(project: Project, ml: MlSupervisor, runRef: string, split: Split, checkpoint: CheckpointChoice = 'best'): Promise<EvaluationReport> {
  const images = project.images.all().filter((i) => i.split === split && i.labelVersion > 0 && i.fileState === 'ok');
  if (images.length === 0) throw new AppError('BAD_REQUEST', `no labeled images in the ${split} split to evaluate on`);
  const values = classValues(project);
  const lut = valueToIndexTable(values);
  const confusion = createConfusionMatrix(values.length);
  const runId = resolveRun(project, runRef);
  const { predictedWith } = await predictImages(
    project,
    ml,
    String(runId),
    images.map((i) => ({ imageId: i.id, path: project.resolveImagePath(i.path) })),
    (p) => {
      const truth = decodeMaskPng(project.masks.current(p.imageId)!.png).values.map((v) => lut[v]);
      accumulateConfusion(confusion, truth, p.mask.map((v) => lut[v]));
      storePrediction(project, runId, p);
    },
    undefined,
    checkpoint,
  );
  const metrics: SegmentationMetrics = segmentationMetrics(confusion);
  const names = new Map(project.classes.list().map((c) => [c.value, c.name]));
  return {
    runId,
    split,
    images: images.length,
    classes: values.map((v) => names.get(v)!),
    pixelAccuracy: metrics.pixelAccuracy,
    meanAccuracy: metrics.meanAccuracy,
    meanIoU: metrics.meanIoU,
    fwIoU: metrics.fwIoU,
    perClassIoU: metrics.perClassIoU,
    confusion: confusionRows(confusion),
    initialWeights: runInitialWeights(project.runs.byId(runId)!),
    predictedWith,
  };
}
