import type { Database } from 'better-sqlite3';

/** The first schema: project metadata, classes, images with thumbnails, versioned label masks. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE project_meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );

    CREATE TABLE classes (
      id       INTEGER PRIMARY KEY,
      value    INTEGER NOT NULL UNIQUE CHECK (value BETWEEN 0 AND 254),
      name     TEXT NOT NULL UNIQUE COLLATE NOCASE,
      color    TEXT NOT NULL CHECK (color GLOB '#[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]'),
      position INTEGER NOT NULL
    );

    CREATE TABLE images (
      id             INTEGER PRIMARY KEY,
      path           TEXT NOT NULL UNIQUE,
      file_name      TEXT NOT NULL,
      stem           TEXT NOT NULL,
      sha256         TEXT NOT NULL UNIQUE,
      byte_size      INTEGER NOT NULL,
      mtime_ms       INTEGER NOT NULL,
      width          INTEGER NOT NULL CHECK (width > 0),
      height         INTEGER NOT NULL CHECK (height > 0),
      format         TEXT NOT NULL,
      copied         INTEGER NOT NULL DEFAULT 0,
      split          TEXT NOT NULL DEFAULT 'unassigned' CHECK (split IN ('train', 'val', 'test', 'unassigned')),
      done           INTEGER NOT NULL DEFAULT 0,
      labeled_pixels INTEGER NOT NULL DEFAULT 0,
      label_version  INTEGER NOT NULL DEFAULT 0,
      file_state     TEXT NOT NULL DEFAULT 'ok' CHECK (file_state IN ('ok', 'missing', 'modified')),
      imported_at    TEXT NOT NULL
    );
    CREATE INDEX images_stem ON images (stem);
    CREATE INDEX images_split ON images (split);

    CREATE TABLE thumbnails (
      image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
      mime     TEXT NOT NULL,
      bytes    BLOB NOT NULL
    );

    -- Every save is a new version; the newest is the image's mask (images.label_version).
    CREATE TABLE label_masks (
      id             INTEGER PRIMARY KEY,
      image_id       INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      version        INTEGER NOT NULL CHECK (version > 0),
      png            BLOB NOT NULL,
      labeled_pixels INTEGER NOT NULL,
      source         TEXT NOT NULL,
      created_at     TEXT NOT NULL,
      UNIQUE (image_id, version)
    );

    CREATE TABLE label_class_counts (
      mask_id     INTEGER NOT NULL REFERENCES label_masks (id) ON DELETE CASCADE,
      class_value INTEGER NOT NULL,
      pixels      INTEGER NOT NULL,
      PRIMARY KEY (mask_id, class_value)
    );
    CREATE INDEX label_class_counts_value ON label_class_counts (class_value);
  `);
}
