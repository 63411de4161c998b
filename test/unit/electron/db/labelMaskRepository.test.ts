import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StaleMaskVersionError } from '../../../../electron/db/repositories/labelMaskRepository';
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
