import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEEP_RECENT_VERSIONS, StaleMaskVersionError } from '../../../../electron/db/repositories/labelMaskRepository';
import { Project } from '../../../../electron/backend/project';
import { tempDir } from '../../../fixtures/images';

let root: string;
let project: Project;
let imageId: number;

beforeEach(() => {
  root = tempDir();
  project = Project.create(join(root, 'p'), null);
  imageId = project.images.insert({
    path: '/x.png', fileName: 'x.png', stem: 'x', sha256: 'ab', byteSize: 1, mtimeMs: 1, width: 2, height: 1,
    format: 'png', copied: false, split: 'unassigned', thumbnail: { mime: 'image/jpeg', bytes: new Uint8Array([1]) },
  });
});
afterEach(() => {
  project.close();
  rmSync(root, { recursive: true, force: true });
});

const save = (baseVersion: number, labeledPixels: number) =>
  project.masks.save({ imageId, baseVersion, png: new Uint8Array([baseVersion]), labeledPixels, classCounts: new Map([[0, labeledPixels]]), source: 'editor' });

describe('labelMaskRepository', () => {
  it('numbers versions and keeps the image summary in step', () => {
    expect(save(0, 1)).toBe(1);
    expect(save(1, 2)).toBe(2);
    expect(project.masks.current(imageId)).toMatchObject({ version: 2, png: new Uint8Array([1]) });
    expect(project.images.list({ sort: 'name', descending: false })[0]).toMatchObject({ status: 'in_progress', labeledFraction: 1 });
  });

  it('refuses a save based on an older version (a second window) and keeps the newer mask', () => {
    save(0, 1);
    save(1, 2);
    expect(() => save(1, 1)).toThrow(StaleMaskVersionError);
    expect(project.masks.current(imageId)?.version).toBe(2);
    expect(project.masks.classImpact(0)).toEqual({ labeledPixels: 2, images: 1 });
  });
});

describe('label version compaction', () => {
  /** A mask of mostly incompressible bytes, so each version takes real pages in the file. */
  const noisyPng = (seed: number) => {
    const bytes = new Uint8Array(4096);
    let x = seed * 2654435761 + 1;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    return bytes;
  };
  const saveNoisy = (baseVersion: number) =>
    project.masks.save({ imageId, baseVersion, png: noisyPng(baseVersion), labeledPixels: baseVersion % 3, classCounts: new Map([[1, baseVersion % 3]]), source: 'editor' });
  const versions = () => (project.db.prepare('SELECT version FROM label_masks WHERE image_id = ? ORDER BY version').all(imageId) as Array<{ version: number }>).map((r) => r.version);
  const pages = () => Number(project.db.pragma('page_count', { simple: true }));

  it('keeps the newest versions and thinning snapshots, so a long session stays bounded and the newest state intact', () => {
    let pagesAfter200 = 0;
    for (let v = 0; v < 2000; v++) {
      saveNoisy(v);
      if (v % 25 === 24) project.masks.compact(imageId); // as the background compaction does after bursts of saves
      if (v === 199) pagesAfter200 = pages();
    }
    project.masks.compact(imageId);
    const kept = versions();
    expect(kept.at(-1)).toBe(2000);
    expect(kept.length).toBeLessThanOrEqual(40);
    // The newest 20 versions are all there, older ones thin out with age but never vanish altogether.
    expect(kept.slice(-20)).toEqual(Array.from({ length: 20 }, (_, i) => 1981 + i));
    expect(kept.some((v) => v <= 1000)).toBe(true);
    // Freed pages are reused: ten times the saves, about the same file.
    expect(pages()).toBeLessThan(pagesAfter200 * 1.5);
    // The newest state: its bytes, the image's version, its class counts.
    expect(project.masks.current(imageId)).toMatchObject({ version: 2000, png: noisyPng(1999) });
    expect(project.masks.classImpact(1)).toEqual({ labeledPixels: 1999 % 3, images: 1 });
    expect(project.db.prepare('SELECT COUNT(*) AS n FROM label_class_counts').get()).toEqual({ n: kept.length });
    // Saves go on from the newest version as before (conflict detection needs only the image's version).
    expect(() => saveNoisy(1999)).toThrow(StaleMaskVersionError);
    expect(saveNoisy(2000)).toBe(2001);
  });
});

describe('images to compact', () => {
  it('lists the images holding more versions than the recent ones kept', () => {
    for (let v = 0; v < KEEP_RECENT_VERSIONS; v++) save(v, 1);
    expect(project.masks.imagesToCompact()).toEqual([]);
    save(KEEP_RECENT_VERSIONS, 1);
    expect(project.masks.imagesToCompact()).toEqual([imageId]);
    project.masks.compact(imageId);
    expect(project.masks.imagesToCompact()).toEqual([]);
  });
});
