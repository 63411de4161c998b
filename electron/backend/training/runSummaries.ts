import type { RunSummary } from '../../../shared/contract/rendererContract';
import type { Project } from '../project';

/** Every run, newest first, with its curve (what a training panel draws). */
export function runSummaries(project: Project): RunSummary[] {
  return project.runs.all().map((run) => ({
    id: run.id,
    status: run.status,
    createdAt: run.createdAt,
    backend: run.backend,
    backendReason: run.backendReason,
    error: run.error,
    settings: (run.config.settings as Record<string, unknown>) ?? {},
    epochs: project.runs.epochs(run.id).map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, meanIoU: e.meanIoU, pixelAccuracy: e.pixelAccuracy, seconds: e.seconds })),
  }));
}
