import type { FileState, ImageRow, ImageSortKey, ImageStatus, Split } from '../../../shared/domain/images';
import type { Db } from '../connection';

export interface NewImage {
  path: string;
  fileName: string;
  stem: string;
  sha256: string;
  byteSize: number;
  mtimeMs: number;
  width: number;
  height: number;
  format: string;
  copied: boolean;
  split: Split;
  thumbnail: { mime: string; bytes: Uint8Array };
}

export interface StoredImage {
  id: number;
  path: string;
  fileName: string;
  stem: string;
  sha256: string;
  byteSize: number;
  mtimeMs: number;
  width: number;
  height: number;
  labelVersion: number;
  fileState: FileState;
  split: Split;
  format: string;
}

export interface ImageFilter {
  status?: ImageStatus;
  split?: Split;
  fileState?: FileState;
  search?: string;
  /** Only these images (a client refreshing the rows an event names). */
  ids?: number[];
  sort: ImageSortKey;
  descending: boolean;
}

// The status is derived, never stored twice: done is a user's mark, in progress means some pixels are labeled.
const STATUS_SQL = `CASE WHEN done = 1 THEN 'done' WHEN needs_review = 1 AND labeled_pixels > 0 THEN 'needs_review' WHEN labeled_pixels > 0 THEN 'in_progress' ELSE 'unlabeled' END`;

const ROW_SQL = `SELECT id, file_name AS fileName, path, width, height, byte_size AS byteSize, sha256, split,
  ${STATUS_SQL} AS status, CAST(labeled_pixels AS REAL) / (width * height) AS labeledFraction,
  file_state AS fileState, imported_at AS importedAt FROM images`;

const SORT_SQL: Record<ImageSortKey, string> = {
  name: 'file_name COLLATE NOCASE',
  imported: 'id',
  labeled: 'labeledFraction',
  status: 'status',
};

const STORED_SQL = `SELECT id, path, file_name AS fileName, stem, sha256, byte_size AS byteSize, mtime_ms AS mtimeMs,
  width, height, label_version AS labelVersion, file_state AS fileState, split, format FROM images`;

export function imageRepository(db: Db) {
  const insertImage = db.prepare(`INSERT INTO images
    (path, file_name, stem, sha256, byte_size, mtime_ms, width, height, format, copied, split, imported_at)
    VALUES (@path, @fileName, @stem, @sha256, @byteSize, @mtimeMs, @width, @height, @format, @copied, @split, @importedAt)`);
  const insertThumb = db.prepare('INSERT INTO thumbnails (image_id, mime, bytes) VALUES (?, ?, ?)');
  const bySha = db.prepare<[string], StoredImage>(`${STORED_SQL} WHERE sha256 = ?`);
  const byPath = db.prepare<[string], StoredImage>(`${STORED_SQL} WHERE path = ?`);
  const byId = db.prepare<[number], StoredImage>(`${STORED_SQL} WHERE id = ?`);
  const all = db.prepare<[], StoredImage>(`${STORED_SQL} ORDER BY id`);
  const thumb = db.prepare<[number], { mime: string; bytes: Buffer }>('SELECT mime, bytes FROM thumbnails WHERE image_id = ?');
  const setFileState = db.prepare('UPDATE images SET file_state = ? WHERE id = ?');
  const counts = db.prepare<[], { images: number; labeled: number; fileProblems: number }>(
    `SELECT COUNT(*) AS images, COALESCE(SUM(labeled_pixels > 0), 0) AS labeled, COALESCE(SUM(file_state <> 'ok'), 0) AS fileProblems FROM images`,
  );
  const splitCounts = db.prepare<[], { split: Split; n: number }>('SELECT split, COUNT(*) AS n FROM images GROUP BY split');
  const statusCounts = db.prepare<[], { status: ImageStatus; n: number }>(`SELECT ${STATUS_SQL} AS status, COUNT(*) AS n FROM images GROUP BY 1`);

  return {
    /** Inserts an image and its thumbnail in one transaction (a full disk leaves neither); returns the new id. */
    insert(image: NewImage): number {
      return db.transaction(() => {
        const id = Number(
          insertImage.run({ ...image, copied: image.copied ? 1 : 0, importedAt: new Date().toISOString() }).lastInsertRowid,
        );
        insertThumb.run(id, image.thumbnail.mime, image.thumbnail.bytes);
        return id;
      })();
    },
    bySha256(sha256: string): StoredImage | undefined {
      return bySha.get(sha256);
    },
    byPath(path: string): StoredImage | undefined {
      return byPath.get(path);
    },
    byId(id: number): StoredImage | undefined {
      return byId.get(id);
    },
    all(): StoredImage[] {
      return all.all();
    },
    list(filter: ImageFilter): ImageRow[] {
      const where: string[] = [];
      const params: Record<string, string> = {};
      if (filter.split) {
        where.push('split = @split');
        params.split = filter.split;
      }
      if (filter.fileState) {
        where.push('file_state = @fileState');
        params.fileState = filter.fileState;
      }
      if (filter.status) {
        where.push(`${STATUS_SQL} = @status`);
        params.status = filter.status;
      }
      if (filter.search) {
        where.push("file_name LIKE @search ESCAPE '\\'");
        params.search = `%${filter.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      }
      if (filter.ids) {
        where.push('id IN (SELECT value FROM json_each(@ids))');
        params.ids = JSON.stringify(filter.ids);
      }
      const sql = `${ROW_SQL} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY ${SORT_SQL[filter.sort]} ${filter.descending ? 'DESC' : 'ASC'}, id`;
      return db.prepare<Record<string, string>, ImageRow>(sql).all(params);
    },
    thumbnail(id: number): { mime: string; bytes: Uint8Array } | undefined {
      const t = thumb.get(id);
      return t && { mime: t.mime, bytes: new Uint8Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength) };
    },
    setSplit(ids: number[], split: Split): number {
      const stmt = db.prepare('UPDATE images SET split = ? WHERE id = ?');
      return db.transaction(() => ids.reduce((n, id) => n + stmt.run(split, id).changes, 0))();
    },
    setDone(ids: number[], done: boolean): number {
      // Marking done is the person's review: an accepted prediction no longer needs one.
      const stmt = db.prepare('UPDATE images SET done = ?, needs_review = CASE WHEN ? THEN 0 ELSE needs_review END WHERE id = ?');
      return db.transaction(() => ids.reduce((n, id) => n + stmt.run(done ? 1 : 0, done ? 1 : 0, id).changes, 0))();
    },
    setFileState(id: number, state: FileState): void {
      setFileState.run(state, id);
    },
    counts() {
      const c = counts.get()!;
      const splits: Record<Split, number> = { train: 0, val: 0, test: 0, unassigned: 0 };
      for (const r of splitCounts.all()) splits[r.split] = r.n;
      const statuses: Record<ImageStatus, number> = { unlabeled: 0, in_progress: 0, needs_review: 0, done: 0 };
      for (const r of statusCounts.all()) statuses[r.status] = r.n;
      return { images: c.images, labeledImages: c.labeled, fileProblems: c.fileProblems, splits, statuses };
    },
  };
}
export type ImageRepository = ReturnType<typeof imageRepository>;
