import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../electron/db/migrations';
import { migrate } from '../../../../electron/db/migrator';
import { predictionRepository } from '../../../../electron/db/repositories/predictionRepository';

describe('predictionRepository', () => {
  it('never returns agreement measured against an older label: it reads as unknown and leaves the disagreement queue until recomputed', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    const now = new Date().toISOString();
    db.prepare("INSERT INTO runs (id, created_at, status, config) VALUES (1, ?, 'completed', '{}')").run(now);
    const insertImage = db.prepare(
      "INSERT INTO images (id, path, file_name, stem, sha256, byte_size, mtime_ms, width, height, format, imported_at, label_version) VALUES (?, ?, 'a', 'a', ?, 1, 1, 2, 1, 'png', ?, 1)",
    );
    for (const id of [1, 2]) insertImage.run(id, `${id}.png`, `sha${id}`, now);
    const repo = predictionRepository(db);
    const png = Uint8Array.from([1]);
    for (const [imageId, iou] of [[1, 0.2], [2, 0.6]]) {
      repo.save({ runId: 1, imageId, maskPng: png, confidencePng: png, meanEntropy: 0.5, meanMargin: 0.5, labelVersion: 1, agreement: { iou, agreement: iou } });
    }
    expect(repo.queue(1, 'disagreement', 'entropy', 10)).toEqual([{ imageId: 1, score: 0.2 }, { imageId: 2, score: 0.6 }]);
    // Image 1's label is saved again: its stored IoU is for version 1, the label is at 2.
    db.prepare('UPDATE images SET label_version = 2 WHERE id = 1').run();
    expect(repo.summaries(1).find((s) => s.imageId === 1)).toMatchObject({ iou: null, agreement: null });
    expect(repo.get(1, 1)).toMatchObject({ iou: null });
    expect(repo.queue(1, 'disagreement', 'entropy', 10)).toEqual([{ imageId: 2, score: 0.6 }]);
    expect(repo.stale(1)).toEqual([{ imageId: 1, labelVersion: 2 }]);
    repo.setAgreement(1, 1, 2, { iou: 0.9, agreement: 0.95 });
    expect(repo.queue(1, 'disagreement', 'entropy', 10)).toEqual([{ imageId: 2, score: 0.6 }, { imageId: 1, score: 0.9 }]);
    db.close();
  });
});
