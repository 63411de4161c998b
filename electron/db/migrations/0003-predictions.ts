import type { Database } from 'better-sqlite3';

/**
 * Predictions as review data: each one's uncertainty (mean margin beside the mean entropy) and,
 * where the image had labels, its agreement with them together with the label version it was
 * measured against (a later label save makes it stale until recomputed). Images whose label came
 * from an accepted prediction need a person's review until marked done.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE predictions ADD COLUMN mean_margin REAL;
    -- images.label_version the two columns below were computed against; NULL: not yet computed.
    ALTER TABLE predictions ADD COLUMN label_version INTEGER;
    -- Mean IoU over the classes present in the labeled pixels or the prediction there; NULL: no labels.
    ALTER TABLE predictions ADD COLUMN iou REAL;
    -- Fraction of labeled pixels where the prediction equals the label; NULL: no labels.
    ALTER TABLE predictions ADD COLUMN agreement REAL;
    CREATE INDEX predictions_run_entropy ON predictions (run_id, mean_entropy);

    ALTER TABLE images ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
  `);
}
