import type { RunSummary, TrainingData } from '../../../shared/contract/rendererContract';
import { BACKBONE_NAMES, formatDuration, HEAD_NAMES, type BackboneName, type HeadName } from './trainingNames';

export interface EstimateInput {
  head: HeadName;
  backbone: BackboneName;
  /** Epochs asked for; null when blank. */
  epochs: number | null;
  /** Minutes asked for; null when blank. */
  maxMinutes: number | null;
}

/** "12 labeled train images, 10 labeled val images", and what is left out, before a run starts. */
export function describeTrainingData(data: TrainingData): string {
  const images = (n: number, split: string) => `${n} labeled ${split} image${n === 1 ? '' : 's'}`;
  const leftOut = [data.train.leftOut ? `${data.train.leftOut} train` : null, data.val.leftOut ? `${data.val.leftOut} val` : null].filter(Boolean);
  return (
    `Trains on ${images(data.train.labeled, 'train')}, validates on ${images(data.val.labeled, 'val')}.` +
    (leftOut.length ? ` Left out (unlabeled or file missing): ${leftOut.join(', ')}.` : '')
  );
}

/**
 * What the run will do at the speed of the newest run of the same model: its mean epoch time,
 * scaled by the number of train images (an epoch is one pass over them).
 */
export function estimateRun(input: EstimateInput, data: TrainingData, runs: RunSummary[]): string | null {
  if (data.train.labeled === 0 || (input.epochs === null && input.maxMinutes === null)) return null;
  const model = `${HEAD_NAMES[input.head]} · ${BACKBONE_NAMES[input.backbone]}`;
  const reference = runs.find(
    (r) => r.settings.head === input.head && r.settings.backbone === input.backbone && r.epochs.length > 0 && (r.trainImages ?? 0) > 0,
  );
  if (!reference) return `No finished epoch of an ${model} run yet to time this one by.`;
  const recent = reference.epochs.slice(-5);
  const epochSeconds = (recent.reduce((sum, e) => sum + e.seconds, 0) / recent.length) * (data.train.labeled / reference.trainImages!);
  const pace = `at run #${reference.id}'s speed`;
  const byMinutes = input.maxMinutes === null ? null : Math.max(0, Math.floor((input.maxMinutes * 60) / epochSeconds));
  if (byMinutes !== null && (input.epochs === null || byMinutes < input.epochs)) {
    return `About ${formatDuration(input.maxMinutes! * 60)}, ~${byMinutes} epoch${byMinutes === 1 ? '' : 's'} ${pace}.`;
  }
  const epochs = input.epochs!;
  return `About ${formatDuration(epochs * epochSeconds)} for ${epochs} epoch${epochs === 1 ? '' : 's'} ${pace}.`;
}
