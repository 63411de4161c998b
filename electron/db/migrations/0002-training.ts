import type { Database } from 'better-sqlite3';

/** Training runs, their per-epoch metrics, checkpoints, and predictions for the review screen. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE runs (
      id             INTEGER PRIMARY KEY,
      created_at     TEXT NOT NULL,
      status         TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
      -- What was asked and what was chosen for it (model, backbone, size, batch, optimiser, class values).
      config         TEXT NOT NULL,
      backend        TEXT,
      backend_reason TEXT,
      error          TEXT,
      finished_at    TEXT
    );

    -- One row per finished epoch; the primary key makes a resumed run unable to record an epoch twice.
    CREATE TABLE run_epochs (
      run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      epoch           INTEGER NOT NULL CHECK (epoch >= 1),
      train_loss      REAL NOT NULL,
      val_loss        REAL,
      pixel_accuracy  REAL,
      mean_accuracy   REAL,
      mean_iou        REAL,
      fw_iou          REAL,
      per_class_iou   TEXT,
      confusion       TEXT,
      seconds         REAL NOT NULL,
      images_per_s    REAL NOT NULL,
      finished_at     TEXT NOT NULL,
      PRIMARY KEY (run_id, epoch)
    );

    CREATE TABLE checkpoints (
      id         INTEGER PRIMARY KEY,
      run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      kind       TEXT NOT NULL CHECK (kind IN ('best', 'last')),
      epoch      INTEGER NOT NULL,
      path       TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (run_id, kind)
    );

    CREATE TABLE predictions (
      id             INTEGER PRIMARY KEY,
      run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      image_id       INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      -- Class values (the project's, 255 never), as an 8-bit grey PNG like label masks.
      mask_png       BLOB NOT NULL,
      -- Softmax probability of the predicted class, 0..255, as an 8-bit grey PNG.
      confidence_png BLOB NOT NULL,
      mean_entropy   REAL NOT NULL,
      created_at     TEXT NOT NULL,
      UNIQUE (run_id, image_id)
    );
    CREATE INDEX predictions_image ON predictions (image_id);
  `);
}
