import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../../electron/db/migrations';
import { migrate } from '../../../../../electron/db/migrator';
import { predictionRepository } from '../../../../../electron/db/repositories/predictionRepository';

describe('migration 0003-predictions', () => {
  it('keeps predictions stored before it (no margin, agreement not yet measured, hence stale) and adds needs_review = 0', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.filter((m) => m.version <= 2));
    const now = new Date().toISOString();
    db.prepare("INSERT INTO runs (id, created_at, status, config) VALUES (1, ?, 'completed', '{}')").run(now);
    db.prepare(
      "INSERT INTO images (id, path, file_name, stem, sha256, byte_size, mtime_ms, width, height, format, imported_at, label_version) VALUES (7, 'a.png', 'a.png', 'a', 'x', 1, 1, 2, 1, 'png', ?, 0)",
    ).run(now);
    db.prepare('INSERT INTO predictions (run_id, image_id, mask_png, confidence_png, mean_entropy, created_at) VALUES (1, 7, ?, ?, 0.5, ?)').run(
      Buffer.from([1]),
      Buffer.from([2]),
      now,
    );
    migrate(db, MIGRATIONS);
    const repo = predictionRepository(db);
    expect(repo.summaries(1)).toEqual([{ runId: 1, imageId: 7, meanEntropy: 0.5, meanMargin: null, iou: null, agreement: null, createdAt: now }]);
    expect(repo.stale(1)).toEqual([{ imageId: 7, labelVersion: 0 }]);
    expect(db.prepare('SELECT needs_review FROM images WHERE id = 7').pluck().get()).toBe(0);
    // Ranking by margin skips predictions that have none rather than putting them first.
    expect(repo.queue(1, 'uncertain', 'entropy', 10)).toEqual([{ imageId: 7, score: 0.5 }]);
    expect(repo.queue(1, 'uncertain', 'margin', 10)).toEqual([]);
    db.close();
  });
});
