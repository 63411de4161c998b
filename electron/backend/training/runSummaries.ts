import type { InitialWeightsSummary, RunSummary } from '../../../shared/contract/rendererContract';
import type { RunRecord } from '../../db/repositories/runRepository';
import type { Project } from '../project';
import { shownRunStatus } from './runLock';
import type { RunInitialWeights } from './trainingService';

/** What a run started from, from its stored config (runs before pretrained weights have none). */
export function runInitialWeights(run: RunRecord): InitialWeightsSummary | null {
  const weights = run.config.initialWeights as RunInitialWeights | null | undefined;
  return weights ? { source: weights.source, path: weights.path, kerasModel: weights.report.kerasModel } : null;
}

/** Every run, newest first, with its curve (what a training panel draws) and the job training it now, if any. */
export function runSummaries(project: Project, trainingJobs: ReadonlyMap<number, string> = new Map()): RunSummary[] {
  return project.runs.all().map((run) => summarize(project, run, trainingJobs));
}

/** One run's row, as `runSummaries` lists it (events carry it so lists patch in place); null when it does not exist. */
export function runSummary(project: Project, runId: number, trainingJobs: ReadonlyMap<number, string> = new Map()): RunSummary | null {
  const run = project.runs.byId(runId);
  return run ? summarize(project, run, trainingJobs) : null;
}

function summarize(project: Project, run: RunRecord, trainingJobs: ReadonlyMap<number, string>): RunSummary {
  return {
    id: run.id,
    status: shownRunStatus(project, run),
    jobId: run.status === 'running' ? (trainingJobs.get(run.id) ?? null) : null,
    createdAt: run.createdAt,
    backend: run.backend,
    backendReason: run.backendReason,
    error: run.error,
    settings: (run.config.settings as Record<string, unknown>) ?? {},
    initialWeights: runInitialWeights(run),
    ...runHistory(project, run),
  };
}

/** A run's curve, its size of data, and the epoch its best checkpoint holds. */
function runHistory(project: Project, run: RunRecord): Pick<RunSummary, 'epochs' | 'finishedAt' | 'trainImages' | 'valImages' | 'predictions' | 'bestEpoch'> {
  const epochs = project.runs.epochs(run.id);
  const bestCheckpoint = project.runs.checkpoints(run.id).find((c) => c.kind === 'best');
  const best = bestCheckpoint && epochs.find((e) => e.epoch === bestCheckpoint.epoch);
  const count = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    epochs: epochs.map((e) => ({
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      valLoss: e.valLoss,
      meanIoU: e.meanIoU,
      pixelAccuracy: e.pixelAccuracy,
      seconds: e.seconds,
      imagesPerSecond: e.imagesPerSecond,
    })),
    finishedAt: run.finishedAt,
    trainImages: count(run.config.trainImages),
    valImages: count(run.config.valImages),
    predictions: project.runs.predictionCount(run.id),
    bestEpoch: best
      ? { epoch: best.epoch, meanIoU: best.meanIoU, pixelAccuracy: best.pixelAccuracy, perClassIoU: best.perClassIoU, confusion: best.confusion }
      : null,
  };
}
