import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeMaskPng } from '../../../shared/mask/maskPng';
import { presetClassFile } from '../../../shared/domain/presets';
import { importImages } from '../../../electron/backend/importService';
import { COMPACTION_DELAY_MS, compactProjectSoon } from '../../../electron/backend/labelCompaction';
import { getLabels, imagePixels, saveLabels } from '../../../electron/backend/labelService';
import { Project } from '../../../electron/backend/project';
import { tempDir, writeBmp, writeImage } from '../../fixtures/images';

let root: string;
let project: Project;
let jpegId: number;
let bmpId: number;

beforeEach(async () => {
  root = tempDir();
  project = Project.create(join(root, 'p'), presetClassFile('camvid'));
  await writeImage(join(root, 'a.jpg'), 4, 3, 'jpeg');
  writeBmp(join(root, 'b.bmp'), 5, 2);
  await importImages(project, { paths: [join(root, 'a.jpg'), join(root, 'b.bmp')] });
  jpegId = project.images.all().find((i) => i.stem === 'a')!.id;
  bmpId = project.images.all().find((i) => i.stem === 'b')!.id;
});
afterEach(() => {
  project.close();
  rmSync(root, { recursive: true, force: true });
});

const mask = (values: number[]) => encodeMaskPng({ width: 4, height: 3, values: Uint8Array.from(values) });

describe('labels for the editor', () => {
  it('serves browser-viewable pixels: JPEG as stored, BMP converted to PNG', async () => {
    expect((await imagePixels(project, jpegId)).mime).toBe('image/jpeg');
    const bmp = await imagePixels(project, bmpId);
    expect(bmp).toMatchObject({ mime: 'image/png', width: 5, height: 2 });
    expect([...bmp.bytes.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    rmSync(join(root, 'a.jpg'));
    project.images.setFileState(jpegId, 'missing');
    await expect(imagePixels(project, jpegId)).rejects.toThrow(/missing/);
  });

  it('saves versions, and refuses a save from a window that opened an older version', () => {
    expect(getLabels(project, jpegId)).toMatchObject({ version: 0, png: null, width: 4, height: 3 });
    const first = saveLabels(project, jpegId, 0, mask([0, 0, 1, 1, 255, 255, 255, 255, 2, 2, 2, 2]));
    expect(first).toEqual({ version: 1, labeledFraction: 8 / 12 });
    expect(saveLabels(project, jpegId, 1, mask(new Array(12).fill(3))).version).toBe(2);
    // A second window still on version 1 must not overwrite version 2.
    expect(() => saveLabels(project, jpegId, 1, mask(new Array(12).fill(4)))).toThrow(/another window \(version 2\)/);
    expect(getLabels(project, jpegId).version).toBe(2);
  });

  it('refuses masks of the wrong size or with unknown classes', () => {
    expect(() => saveLabels(project, jpegId, 0, encodeMaskPng({ width: 3, height: 3, values: new Uint8Array(9) }))).toThrow(/3×3 but its image is 4×3/);
    expect(() => saveLabels(project, jpegId, 0, mask(new Array(12).fill(77)))).toThrow(/no class of this project: 77/);
    expect(() => saveLabels(project, jpegId, 0, new Uint8Array([1, 2, 3]))).toThrow(/not a readable PNG/);
    expect(getLabels(project, jpegId).version).toBe(0);
  });
});

describe('label versions are compacted in the background', () => {
  it('after the saves pause, an image painted for long keeps a bounded number of versions and its newest mask', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const values = (v: number) => Array.from({ length: 12 }, (_, i) => (i + v) % 5);
      for (let v = 0; v < 300; v++) saveLabels(project, jpegId, v, mask(values(v)));
      const count = () => (project.db.prepare('SELECT COUNT(*) AS n FROM label_masks WHERE image_id = ?').get(jpegId) as { n: number }).n;
      expect(count()).toBe(300); // nothing is compacted on the save path
      vi.advanceTimersByTime(COMPACTION_DELAY_MS);
      expect(count()).toBeLessThanOrEqual(30);
      const latest = getLabels(project, jpegId);
      expect(latest.version).toBe(300);
      expect(latest.png).toEqual(mask(values(299)));
    } finally {
      vi.useRealTimers();
    }
  });

  it('a project saved before compaction existed is compacted in the background once opened', () => {
    for (let v = 0; v < 120; v++) project.masks.save({ imageId: bmpId, baseVersion: v, png: new Uint8Array([v]), labeledPixels: 1, classCounts: new Map([[1, 1]]), source: 'editor' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      compactProjectSoon(project); // what opening a project does
      vi.advanceTimersByTime(COMPACTION_DELAY_MS);
      const kept = project.db.prepare('SELECT COUNT(*) AS n FROM label_masks WHERE image_id = ?').get(bmpId) as { n: number };
      expect(kept.n).toBeLessThanOrEqual(25);
      expect(project.masks.current(bmpId)).toMatchObject({ version: 120, png: new Uint8Array([119]) });
    } finally {
      vi.useRealTimers();
    }
  });
});
