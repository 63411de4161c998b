import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import type { MlEventMessage } from '../../../shared/contract/mlContract';
import type { EvaluationScores, InitialWeightsSummary } from '../../../shared/contract/rendererContract';
import { accumulateConfusion, confusionRows, createConfusionMatrix, segmentationMetrics, type SegmentationMetrics } from '../../../shared/metrics';
import { valueToIndexTable } from '../../../shared/domain/classes';
import type { Split } from '../../../shared/domain/images';
import { decodeMaskPng, encodeMaskPng } from '../../../shared/mask/maskPng';
import { readableCheckpointDir } from '../../ml/engine/checkpointDir';
import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import type { TrainSettings } from './trainingDefaults';
import { runInitialWeights } from './runSummaries';
import { classValues, resolveRun } from './trainingService';

export type PredictionEvent = Extract<MlEventMessage, { type: 'prediction' }>;

/** The checkpoint a run predicts with: its best (by val mean IU), else its last. */
export function runCheckpoint(project: Project, runId: number): string {
  const checkpoints = project.runs.checkpoints(runId);
  const chosen = checkpoints.find((c) => c.kind === 'best') ?? checkpoints.find((c) => c.kind === 'last');
  // A checkpoint being swapped into place (or left half swapped by a killed process) is read from
  // the folder it replaces.
  if (!chosen || !existsSync(join(readableCheckpointDir(chosen.path), 'model.json'))) {
    throw new AppError('NOT_FOUND', `run ${runId} has no checkpoint yet (it saves one after each epoch)`);
  }
  return chosen.path;
}

/**
 * Predicts images with a run's checkpoint in the ML process; each prediction is handed to
 * `onPrediction` as it arrives (the caller stores it or writes it out).
 */
export async function predictImages(
  project: Project,
  ml: MlSupervisor,
  runRef: string,
  items: Array<{ imageId: number; path: string }>,
  onPrediction: (p: PredictionEvent) => void,
): Promise<{ runId: number; predicted: number; predictedWith: PredictedWith | null }> {
  const runId = resolveRun(project, runRef);
  const run = project.runs.byId(runId)!;
  const settings = run.config.settings as TrainSettings;
  const jobId = `predict-${runId}-${Date.now()}`;
  let predictedWith: PredictedWith | null = null;
  const listener = (event: MlEventMessage) => {
    if (event.type === 'prediction' && event.jobId === jobId) onPrediction(event);
    if (event.type === 'backend' && event.jobId === jobId) predictedWith = { backend: event.backend, reason: event.reason };
  };
  ml.on('event', listener);
  try {
    const { predicted } = await ml.request(
      'predict',
      {
        jobId,
        checkpoint: runCheckpoint(project, runId),
        backend: settings.backend,
        classValues: run.config.classValues as number[],
        scaling: { longSide: settings.longSide },
        items,
      },
      2 ** 31 - 1,
    );
    return { runId, predicted, predictedWith };
  } finally {
    ml.off('event', listener);
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
export async function evaluateRun(project: Project, ml: MlSupervisor, runRef: string, split: Split): Promise<EvaluationReport> {
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
      project.runs.savePrediction(
        runId,
        p.imageId,
        encodeMaskPng({ width: p.width, height: p.height, values: p.mask }),
        encodeMaskPng({ width: p.width, height: p.height, values: p.confidence }),
        p.meanEntropy,
      );
    },
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
