import type { PredictionSummary, QueueEntry, QueueKind, UncertaintyScore } from '../../../shared/review/predictions';
import type { Db } from '../connection';

export interface NewPrediction {
  runId: number;
  imageId: number;
  maskPng: Uint8Array;
  confidencePng: Uint8Array;
  meanEntropy: number;
  meanMargin: number;
  /** The label version `agreement` was computed against (0: the image had no label). */
  labelVersion: number;
  agreement: { iou: number; agreement: number } | null;
}

// Agreement measured against another label version than the image's current one is stale: it
// reads as unknown (NULL) until recomputed, so no caller can show it against the wrong label.
const CURRENT = 'p.label_version IS i.label_version';
const SUMMARY = `p.run_id AS runId, p.image_id AS imageId, p.mean_entropy AS meanEntropy, p.mean_margin AS meanMargin,
  CASE WHEN ${CURRENT} THEN p.iou END AS iou, CASE WHEN ${CURRENT} THEN p.agreement END AS agreement, p.created_at AS createdAt`;
const JOINED = 'FROM predictions p JOIN images i ON i.id = p.image_id';

/** Predictions as review data: masks and confidences per (image, run), their uncertainty and agreement with labels. */
export function predictionRepository(db: Db) {
  const upsert = db.prepare(`INSERT INTO predictions
      (run_id, image_id, mask_png, confidence_png, mean_entropy, mean_margin, label_version, iou, agreement, created_at)
      VALUES (@runId, @imageId, @maskPng, @confidencePng, @meanEntropy, @meanMargin, @labelVersion, @iou, @agreement, @createdAt)
    ON CONFLICT (run_id, image_id) DO UPDATE SET mask_png = excluded.mask_png, confidence_png = excluded.confidence_png,
      mean_entropy = excluded.mean_entropy, mean_margin = excluded.mean_margin, label_version = excluded.label_version,
      iou = excluded.iou, agreement = excluded.agreement, created_at = excluded.created_at`);
  const one = db.prepare<[number, number], PredictionSummary & { mask: Buffer; confidence: Buffer }>(
    `SELECT ${SUMMARY}, p.mask_png AS mask, p.confidence_png AS confidence ${JOINED} WHERE p.run_id = ? AND p.image_id = ?`,
  );
  const summaries = db.prepare<[number], PredictionSummary>(`SELECT ${SUMMARY} ${JOINED} WHERE p.run_id = ?`);
  // A label saved after the prediction (or a prediction stored by the CLI, without agreement) is stale.
  const stale = db.prepare<[number], { imageId: number; labelVersion: number }>(
    `SELECT p.image_id AS imageId, i.label_version AS labelVersion FROM predictions p JOIN images i ON i.id = p.image_id
     WHERE p.run_id = ? AND p.label_version IS NOT i.label_version`,
  );
  const staleOne = db.prepare<[number, number], { labelVersion: number }>(
    `SELECT i.label_version AS labelVersion FROM predictions p JOIN images i ON i.id = p.image_id
     WHERE p.run_id = ? AND p.image_id = ? AND p.label_version IS NOT i.label_version`,
  );
  const maskOf = db.prepare<[number, number], { mask: Buffer }>('SELECT mask_png AS mask FROM predictions WHERE run_id = ? AND image_id = ?');
  const setAgreement = db.prepare('UPDATE predictions SET label_version = ?, iou = ?, agreement = ? WHERE run_id = ? AND image_id = ?');
  const newestRun = db.prepare<[number], { runId: number }>('SELECT run_id AS runId FROM predictions WHERE image_id = ? ORDER BY run_id DESC LIMIT 1');
  const setNeedsReview = db.prepare('UPDATE images SET needs_review = ?, done = CASE WHEN ? THEN 0 ELSE done END WHERE id = ?');
  // Unlabeled and in-progress images (not done, not awaiting review) that the run predicted.
  const toLabel = `FROM predictions p JOIN images i ON i.id = p.image_id WHERE p.run_id = ? AND i.done = 0 AND i.needs_review = 0`;
  const uncertain: Record<UncertaintyScore, ReturnType<typeof db.prepare<[number, number], QueueEntry>>> = {
    entropy: db.prepare(`SELECT p.image_id AS imageId, p.mean_entropy AS score ${toLabel} ORDER BY p.mean_entropy DESC, p.image_id LIMIT ?`),
    margin: db.prepare(`SELECT p.image_id AS imageId, p.mean_margin AS score ${toLabel} AND p.mean_margin IS NOT NULL ORDER BY p.mean_margin ASC, p.image_id LIMIT ?`),
  };
  // Stale rows are left out until recomputed (see predictionService.refreshAgreement).
  const disagreement = db.prepare<[number, number], QueueEntry>(
    `SELECT p.image_id AS imageId, p.iou AS score ${JOINED} WHERE p.run_id = ? AND p.iou IS NOT NULL AND ${CURRENT} ORDER BY p.iou ASC, p.image_id LIMIT ?`,
  );

  return {
    save(p: NewPrediction): PredictionSummary {
      const createdAt = new Date().toISOString();
      const row = { ...p, iou: p.agreement?.iou ?? null, agreement: p.agreement?.agreement ?? null, createdAt };
      upsert.run(row);
      return { runId: p.runId, imageId: p.imageId, meanEntropy: p.meanEntropy, meanMargin: p.meanMargin, iou: row.iou, agreement: row.agreement, createdAt };
    },
    /** The stored prediction with its PNGs, or undefined. */
    get: (runId: number, imageId: number) => one.get(runId, imageId),
    summaries: (runId: number) => summaries.all(runId),
    /** Images of a run whose agreement was measured against another label version than the current one. */
    stale: (runId: number) => stale.all(runId),
    staleVersion: (runId: number, imageId: number): number | null => staleOne.get(runId, imageId)?.labelVersion ?? null,
    mask: (runId: number, imageId: number) => maskOf.get(runId, imageId)?.mask,
    setAgreement(runId: number, imageId: number, labelVersion: number, agreement: { iou: number; agreement: number } | null): void {
      setAgreement.run(labelVersion, agreement?.iou ?? null, agreement?.agreement ?? null, runId, imageId);
    },
    /** The newest run that predicted this image, or null. */
    newestRunFor: (imageId: number): number | null => newestRun.get(imageId)?.runId ?? null,
    /** A label-next queue (see QueueKind); `by` chooses the uncertainty score of the `uncertain` queue. */
    queue: (runId: number, kind: QueueKind, by: UncertaintyScore, limit: number): QueueEntry[] =>
      (kind === 'uncertain' ? uncertain[by] : disagreement).all(runId, limit),
    /** Marks an image's label as coming from an accepted prediction (needs a person's review), or clears the mark. */
    setNeedsReview(imageId: number, needsReview: boolean): void {
      setNeedsReview.run(needsReview ? 1 : 0, needsReview ? 1 : 0, imageId);
    },
  };
}
export type PredictionRepository = ReturnType<typeof predictionRepository>;
