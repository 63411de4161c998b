import { z } from 'zod';
import { splitSchema } from '../domain/images';

/** Which images a prediction job covers. */
export const predictionTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('images'), ids: z.array(z.number().int().positive()).min(1).max(100_000) }),
  z.object({ kind: z.literal('split'), split: splitSchema }),
  /** Every image without a labeled pixel. */
  z.object({ kind: z.literal('unlabeled') }),
]);
export type PredictionTarget = z.infer<typeof predictionTargetSchema>;

/** Uncertainty scores a label-next queue ranks by: mean entropy (high = unsure) or mean margin (low = unsure). */
export const UNCERTAINTY_SCORES = ['entropy', 'margin'] as const;
export type UncertaintyScore = (typeof UNCERTAINTY_SCORES)[number];

/**
 * Label-next queues: `uncertain` = unlabeled and in-progress images, most uncertain first;
 * `disagreement` = labeled images whose prediction agrees least with their label (lowest IoU first).
 */
export const QUEUE_KINDS = ['uncertain', 'disagreement'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** One stored prediction's numbers, as lists, the grid and the label-next queues show them. */
export interface PredictionSummary {
  runId: number;
  imageId: number;
  meanEntropy: number;
  /** Null for predictions stored before margins were recorded. */
  meanMargin: number | null;
  /** Agreement with the image's current label; null where the image has no labeled pixel. */
  iou: number | null;
  agreement: number | null;
  createdAt: string;
}

/** A queue entry: the image and the score it was ranked by. */
export interface QueueEntry {
  imageId: number;
  score: number;
}
