import type { EpochEvent } from '../../../shared/contract/mlContract';
import type { Project } from '../project';

/** Stores an epoch event as the run's epoch row (a live run's epoch = rounds so far). */
export function recordEpochEvent(project: Project, runId: number, event: EpochEvent): void {
  const m = event.val?.metrics;
  project.runs.recordEpoch(runId, {
    epoch: event.epoch,
    trainLoss: event.trainLoss,
    valLoss: event.val?.meanLoss ?? null,
    pixelAccuracy: m?.pixelAccuracy ?? null,
    meanAccuracy: m?.meanAccuracy ?? null,
    meanIoU: m?.meanIoU ?? null,
    fwIoU: m?.fwIoU ?? null,
    perClassIoU: m?.perClassIoU ?? null,
    confusion: event.val?.confusion ?? null,
    seconds: event.seconds,
    imagesPerSecond: event.imagesPerSecond,
  });
}
