import type { Db } from '../connection';

export interface NewMaskVersion {
  imageId: number;
  /** The version the caller based its edit on; the save is refused if the image has moved past it. */
  baseVersion: number;
  png: Uint8Array;
  labeledPixels: number;
  classCounts: Map<number, number>;
  source: 'import' | 'editor' | 'class-delete';
}

export interface StoredMask {
  imageId: number;
  version: number;
  png: Uint8Array;
}

export class StaleMaskVersionError extends Error {
  constructor(
    readonly imageId: number,
    readonly current: number,
    readonly base: number,
  ) {
    super(`image ${imageId} has mask version ${current}, newer than the version ${base} this edit started from`);
  }
}

/** Every version this close to the newest is kept (a crash or a slip is recovered from these). */
export const KEEP_RECENT_VERSIONS = 20;
/** Older versions thin out: snapshots every 50 saves, then every 100, 200, … as they age. */
export const SNAPSHOT_EVERY = 50;

/**
 * Whether compaction keeps version `v` when `newest` is the image's mask. Besides the recent
 * ones, for each k it keeps the multiples of SNAPSHOT_EVERY·2^k less than SNAPSHOT_EVERY·2^(k+1)
 * saves back: at most two per k, so an image keeps about 20 + 2·log2(saves / 50) versions however
 * long it is painted, and a kept snapshot is only ever replaced by an older, sparser one.
 */
export function keepsVersion(v: number, newest: number): boolean {
  const age = newest - v;
  if (age < KEEP_RECENT_VERSIONS) return true;
  for (let every = SNAPSHOT_EVERY; every <= newest; every *= 2) {
    if (v % every === 0 && age < 2 * every) return true;
  }
  return false;
}

export function labelMaskRepository(db: Db) {
  const currentVersion = db.prepare<[number], { v: number }>('SELECT label_version AS v FROM images WHERE id = ?');
  const insertMask = db.prepare(
    'INSERT INTO label_masks (image_id, version, png, labeled_pixels, source, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertCount = db.prepare('INSERT INTO label_class_counts (mask_id, class_value, pixels) VALUES (?, ?, ?)');
  const bumpImage = db.prepare('UPDATE images SET label_version = ?, labeled_pixels = ? WHERE id = ?');
  const current = db.prepare<[number], { imageId: number; version: number; png: Buffer }>(
    `SELECT m.image_id AS imageId, m.version, m.png FROM label_masks m
     JOIN images i ON i.id = m.image_id AND i.label_version = m.version WHERE m.image_id = ?`,
  );
  const classImpact = db.prepare<[number], { pixels: number; images: number }>(
    `SELECT COALESCE(SUM(c.pixels), 0) AS pixels, COUNT(*) AS images FROM label_class_counts c
     JOIN label_masks m ON m.id = c.mask_id JOIN images i ON i.id = m.image_id AND i.label_version = m.version
     WHERE c.class_value = ? AND c.pixels > 0`,
  );
  const versionsOf = db.prepare<[number], { version: number }>('SELECT version FROM label_masks WHERE image_id = ? ORDER BY version');
  // Class counts go with their mask (ON DELETE CASCADE).
  const deleteVersions = db.prepare('DELETE FROM label_masks WHERE image_id = ? AND version IN (SELECT value FROM json_each(?))');
  const crowded = db.prepare<[number], { imageId: number }>(
    'SELECT image_id AS imageId FROM label_masks GROUP BY image_id HAVING COUNT(*) > ?',
  );
  const imagesWithClass = db.prepare<[number], { imageId: number }>(
    `SELECT m.image_id AS imageId FROM label_class_counts c
     JOIN label_masks m ON m.id = c.mask_id JOIN images i ON i.id = m.image_id AND i.label_version = m.version
     WHERE c.class_value = ? AND c.pixels > 0`,
  );

  return {
    /** Saves a new version in one transaction (mask, class counts, the image's summary). Returns the version. */
    save(mask: NewMaskVersion): number {
      return db.transaction(() => {
        const now = currentVersion.get(mask.imageId);
        if (!now) throw new Error(`image ${mask.imageId} does not exist`);
        if (now.v !== mask.baseVersion) throw new StaleMaskVersionError(mask.imageId, now.v, mask.baseVersion);
        const version = now.v + 1;
        const maskId = insertMask.run(mask.imageId, version, mask.png, mask.labeledPixels, mask.source, new Date().toISOString()).lastInsertRowid;
        for (const [value, pixels] of mask.classCounts) insertCount.run(maskId, value, pixels);
        bumpImage.run(version, mask.labeledPixels, mask.imageId);
        return version;
      })();
    },
    current(imageId: number): StoredMask | undefined {
      const m = current.get(imageId);
      return m && { imageId: m.imageId, version: m.version, png: new Uint8Array(m.png) };
    },
    /** Labeled pixels of a class summed over every image's current mask, and how many images have any. */
    classImpact(value: number): { labeledPixels: number; images: number } {
      const r = classImpact.get(value)!;
      return { labeledPixels: r.pixels, images: r.images };
    },
    /**
     * Deletes the versions of an image that keepsVersion lets go (never the current one, which
     * conflict detection and recovery need; conflicts compare only the image's version number).
     * Freed pages are reused by later saves, so the file stops growing. Returns how many went.
     */
    compact(imageId: number): number {
      return db.transaction(() => {
        const newest = currentVersion.get(imageId)?.v ?? 0;
        const dropped = versionsOf
          .all(imageId)
          .map((r) => r.version)
          .filter((v) => v !== newest && !keepsVersion(v, newest));
        if (dropped.length > 0) deleteVersions.run(imageId, JSON.stringify(dropped));
        return dropped.length;
      })();
    },
    /** Images holding more versions than compaction would ever keep of recent ones (worth a look). */
    imagesToCompact(): number[] {
      return crowded.all(KEEP_RECENT_VERSIONS).map((r) => r.imageId);
    },
    imagesWithClass(value: number): number[] {
      return imagesWithClass.all(value).map((r) => r.imageId);
    },
  };
}
export type LabelMaskRepository = ReturnType<typeof labelMaskRepository>;
