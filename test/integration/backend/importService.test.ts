import { appendFileSync, existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import { presetClassFile } from '../../../shared/domain/presets';
import { verifyImageFiles } from '../../../electron/backend/fileCheckService';
import { indexPngSource } from '../../../electron/backend/interop/labelSources';
import { importImages } from '../../../electron/backend/importService';
import { Project } from '../../../electron/backend/project';
import { mixedImageFolder, tempDir, writeImage, writeMask } from '../../fixtures/images';

let root: string;
let project: Project;

beforeEach(() => {
  root = tempDir();
  project = Project.create(join(root, 'project'), presetClassFile('camvid'));
});
afterEach(() => {
  project.close();
  rmSync(root, { recursive: true, force: true });
});

describe('importImages', () => {
  it('imports every supported format, recursively, and reports each refused file with its reason', async () => {
    const folder = await mixedImageFolder(root);
    const report = await importImages(project, { paths: [folder.dir] });

    expect(report.added).toBe(5);
    const byPath = new Map(report.skipped.map((s) => [s.path, s]));
    for (const p of folder.corrupt) expect(byPath.get(p)?.reason, p).toBe('corrupt');
    expect(byPath.get(folder.unsupported[0])?.reason).toBe('unsupported');
    // Identical files are decoded in parallel: either may be the one kept, never both.
    const duplicateSkips = [folder.good[0], folder.duplicate].filter((p) => byPath.get(p)?.reason === 'duplicate');
    expect(duplicateSkips).toHaveLength(1);
    expect(report.skipped).toHaveLength(5);

    const rows = project.images.list({ sort: 'name', descending: false });
    const kept = duplicateSkips[0] === folder.duplicate ? 'a.jpg' : 'a-copy.jpg';
    expect(rows.map((r) => [r.fileName, r.width, r.height])).toEqual([
      [kept, 64, 48],
      ['b.png', 40, 30],
      ['c.webp', 33, 17],
      ['d.tiff', 20, 20],
      ['e.bmp', 24, 16],
    ]);
    for (const r of rows) {
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.status).toBe('unlabeled');
      const thumb = project.images.thumbnail(r.id)!;
      expect(thumb.mime).toBe('image/jpeg');
      expect([...thumb.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    }
  });

  it('lists only the images asked for by id, within the filter and in its order', async () => {
    const folder = await mixedImageFolder(root);
    await importImages(project, { paths: [folder.dir] });
    const all = project.images.list({ sort: 'name', descending: false });
    const ids = [all[3].id, all[1].id];
    expect(project.images.list({ sort: 'name', descending: false, ids }).map((r) => r.id)).toEqual([all[1].id, all[3].id]);
    expect(project.images.list({ sort: 'name', descending: false, ids, search: all[3].fileName }).map((r) => r.id)).toEqual([all[3].id]);
  });

  it('adds nothing when the same folder is imported twice', async () => {
    const folder = await mixedImageFolder(root);
    await importImages(project, { paths: [folder.dir] });
    const again = await importImages(project, { paths: [folder.dir] });
    expect(again.added).toBe(0);
    expect(project.images.counts().images).toBe(5);
    expect(again.skipped.filter((s) => s.reason === 'duplicate')).toHaveLength(6);
  });

  it('refuses images over the size limits without reading them whole', async () => {
    const big = join(root, 'big.png');
    await writeImage(big, 300, 200, 'png');
    const report = await importImages(project, { paths: [big], limits: { maxBytes: 10 * 2 ** 20, maxPixels: 50_000 } });
    expect(report.added).toBe(0);
    expect(report.skipped[0]).toMatchObject({ reason: 'too_large' });
    expect(report.skipped[0].message).toContain('300×200');

    const bytesReport = await importImages(project, { paths: [big], limits: { maxBytes: 100, maxPixels: 1e9 } });
    expect(bytesReport.skipped[0]).toMatchObject({ reason: 'too_large' });
  });

  it('reports a missing path clearly', async () => {
    await expect(importImages(project, { paths: [join(root, 'nope')] })).rejects.toThrow(/does not exist/);
  });

  it('assigns the requested split and copies into the project when asked', async () => {
    const img = join(root, 'x.jpg');
    await writeImage(img, 16, 16, 'jpeg');
    await importImages(project, { paths: [img], split: 'val', copyIntoProject: true });
    const [row] = project.images.list({ sort: 'name', descending: false });
    expect(row.split).toBe('val');
    expect(row.path.startsWith('images/')).toBe(true);
    expect(existsSync(project.resolveImagePath(row.path))).toBe(true);
  });

  it('stops between files when cancelled and keeps what was imported', async () => {
    const dir = join(root, 'many');
    rmSync(dir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(dir);
    for (let i = 0; i < 12; i++) await writeImage(join(dir, `img${i}.png`), 20, 20, 'png', i);
    const controller = new AbortController();
    const report = await importImages(project, {
      paths: [dir],
      concurrency: 1,
      signal: controller.signal,
      onProgress: (done) => done === 3 && controller.abort(),
    });
    expect(report.cancelled).toBe(true);
    expect(report.added).toBe(3);
    expect(project.images.counts().images).toBe(3);
  });
});

describe('importImages with labels', () => {
  async function imageWithMask(stem: string, maskValue: (x: number, y: number) => number, maskSize = { w: 8, h: 6 }) {
    const images = join(root, 'images');
    const labels = join(root, 'labels');
    (await import('node:fs')).mkdirSync(images, { recursive: true });
    (await import('node:fs')).mkdirSync(labels, { recursive: true });
    await writeImage(join(images, `${stem}.jpg`), 8, 6, 'jpeg', stem.length);
    const values = writeMask(join(labels, `${stem}.png`), maskSize.w, maskSize.h, maskValue);
    return { images, labels, values };
  }

  it('stores masks matched by stem, maps the ignore index to 255 and counts classes', async () => {
    // CamVid's class file names 11 as void.
    const { images, labels } = await imageWithMask('frame1', (x) => (x < 4 ? 3 : 11));
    const report = await importImages(project, { paths: [images], labels: indexPngSource(labels, []) });
    expect(report).toMatchObject({ added: 1, labelsAdded: 1, skipped: [] });

    const [row] = project.images.list({ sort: 'name', descending: false });
    expect(row.status).toBe('done');
    expect(row.labeledFraction).toBeCloseTo(0.5);
    const mask = decodeMaskPng(project.masks.current(row.id)!.png);
    expect(mask.values[0]).toBe(3);
    expect(mask.values[7]).toBe(255);
    expect(project.masks.classImpact(3)).toEqual({ labeledPixels: 24, images: 1 });
    expect(project.images.counts().labeledImages).toBe(1);
  });

  it('rejects a mask of the wrong size but keeps its image', async () => {
    const { images, labels } = await imageWithMask('frame2', () => 1, { w: 9, h: 6 });
    const report = await importImages(project, { paths: [images], labels: indexPngSource(labels, []) });
    expect(report.added).toBe(1);
    expect(report.labelsAdded).toBe(0);
    expect(report.skipped[0]).toMatchObject({ reason: 'label_rejected' });
    expect(report.skipped[0].message).toContain('9×6 but its image is 8×6');
  });

  it('rejects a mask with values that are not classes, naming them', async () => {
    const { images, labels } = await imageWithMask('frame3', (x) => (x === 0 ? 42 : 2));
    const report = await importImages(project, { paths: [images], labels: indexPngSource(labels, []) });
    expect(report.labelsAdded).toBe(0);
    expect(report.skipped[0].message).toContain('42 (6 px)');
    expect(project.images.counts().labeledImages).toBe(0);
  });

  it('adds a mask to an image imported earlier without one, and nothing on a third import', async () => {
    const { images, labels } = await imageWithMask('frame4', () => 5);
    await importImages(project, { paths: [images] });
    const second = await importImages(project, { paths: [images], labels: indexPngSource(labels, []) });
    expect(second).toMatchObject({ added: 0, labelsAdded: 1 });
    const third = await importImages(project, { paths: [images], labels: indexPngSource(labels, []) });
    expect(third).toMatchObject({ added: 0, labelsAdded: 0 });
  });
});

describe('verifyImageFiles', () => {
  it('flags moved and modified files, and clears the flag when the file is back', async () => {
    const a = join(root, 'a.png');
    const b = join(root, 'b.png');
    await writeImage(a, 10, 10, 'png', 1);
    await writeImage(b, 10, 10, 'png', 2);
    await importImages(project, { paths: [a, b] });

    const moved = join(root, 'moved.png');
    (await import('node:fs')).renameSync(a, moved);
    appendFileSync(b, 'tail');
    expect(await verifyImageFiles(project)).toEqual({ checked: 2, missing: 1, modified: 1 });
    const states = project.images.list({ sort: 'name', descending: false }).map((r) => r.fileState);
    expect(states).toEqual(['missing', 'modified']);

    (await import('node:fs')).renameSync(moved, a);
    expect((await verifyImageFiles(project)).missing).toBe(0);
  });

  it('accepts a touched file whose bytes are unchanged', async () => {
    const a = join(root, 'a.png');
    await writeImage(a, 10, 10, 'png', 1);
    await importImages(project, { paths: [a] });
    utimesSync(a, new Date(), new Date(Date.now() + 60_000));
    expect(await verifyImageFiles(project)).toEqual({ checked: 1, missing: 0, modified: 0 });
  });
});

describe('copy into a full disk', () => {
  it('reports the full disk per file and loses nothing already imported', async () => {
    const { execFileSync } = await import('node:child_process');
    const small = join(root, 'small-disk');
    (await import('node:fs')).mkdirSync(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'ignore' });
    } catch {
      console.warn('skipped: cannot mount a small tmpfs here (needs root) to fill a disk');
      return;
    }
    try {
      const p = Project.create(join(small, 'p'), null);
      const big = join(root, 'big.png');
      writeFileSync(big, await (await import('sharp')).default({ create: { width: 1200, height: 1000, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer());
      const report = await importImages(p, { paths: [big], copyIntoProject: true });
      expect(report.added).toBe(0);
      expect(report.skipped[0].message).toMatch(/disk is full/);
      expect(readdirSync(join(small, 'p'))).toContain('project.sqlite');
      p.close();
    } finally {
      execFileSync('umount', [small]);
    }
  });
});
