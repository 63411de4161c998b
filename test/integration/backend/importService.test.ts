import { appendFileSync, existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import { presetClassFile } from '../../../shared/domain/presets';
import { verifyImageFiles } from '../../../electron/backend/fileCheckService';
import { cocoSource, indexPngSource } from '../../../electron/backend/interop/labelSources';
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

describe('ambiguous and sparse masks', () => {
  it('refuses one mask for two images of the same stem in different folders, and imports both images', async () => {
    const fs = await import('node:fs');
    for (const d of ['imgs/a', 'imgs/b', 'labels']) fs.mkdirSync(join(root, d), { recursive: true });
    await writeImage(join(root, 'imgs/a/x.jpg'), 8, 6, 'jpeg', 1);
    await writeImage(join(root, 'imgs/b/x.jpg'), 8, 6, 'jpeg', 2);
    await writeImage(join(root, 'imgs/b/y.jpg'), 8, 6, 'jpeg', 3);
    writeMask(join(root, 'labels/x.png'), 8, 6, () => 2);
    writeMask(join(root, 'labels/y.png'), 8, 6, () => 4);
    const report = await importImages(project, { paths: [join(root, 'imgs')], labels: indexPngSource(join(root, 'labels'), []) });

    expect(report).toMatchObject({ added: 3, labelsAdded: 1 });
    const refused = report.skipped.filter((s) => s.reason === 'label_rejected');
    expect(refused.map((s) => s.path).sort()).toEqual([join(root, 'imgs/a/x.jpg'), join(root, 'imgs/b/x.jpg')]);
    for (const s of refused) expect(s.message).toMatch(/x\.png matches 2 images.*a\/x\.jpg.*b\/x\.jpg/);
    const byName = new Map(project.images.all().map((i) => [i.path, i]));
    expect(byName.get(join(root, 'imgs/a/x.jpg'))!.labelVersion).toBe(0);
    expect(byName.get(join(root, 'imgs/b/x.jpg'))!.labelVersion).toBe(0);
    expect(byName.get(join(root, 'imgs/b/y.jpg'))!.labelVersion).toBe(1);
  });

  it('refuses a mask when the mask folder holds two files of its stem (x.png and x.PNG)', async () => {
    const fs = await import('node:fs');
    for (const d of ['imgs', 'labels']) fs.mkdirSync(join(root, d), { recursive: true });
    await writeImage(join(root, 'imgs/x.jpg'), 8, 6, 'jpeg', 1);
    writeMask(join(root, 'labels/x.png'), 8, 6, () => 2);
    writeMask(join(root, 'labels/x.PNG'), 8, 6, () => 3);
    const report = await importImages(project, { paths: [join(root, 'imgs')], labels: indexPngSource(join(root, 'labels'), []) });
    expect(report).toMatchObject({ added: 1, labelsAdded: 0 });
    expect(report.skipped[0]).toMatchObject({ reason: 'label_rejected', message: 'ambiguous mask: x.PNG and x.png both match; none is attached' });
  });

  it('refuses a COCO mask when the COCO file lists two images of that file name', async () => {
    const fs = await import('node:fs');
    fs.mkdirSync(join(root, 'imgs'), { recursive: true });
    await writeImage(join(root, 'imgs/x.jpg'), 4, 2, 'jpeg', 1);
    const rle = (value: number) => ({ size: [2, 4], counts: value ? [0, 8] : [8] });
    const coco = {
      images: [{ id: 1, file_name: 'day/x.jpg', width: 4, height: 2 }, { id: 2, file_name: 'night/x.jpg', width: 4, height: 2 }],
      categories: [{ id: 1, name: 'sky' }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: rle(1) }, { id: 2, image_id: 2, category_id: 1, segmentation: rle(1) }],
    };
    writeFileSync(join(root, 'coco.json'), JSON.stringify(coco));
    const report = await importImages(project, { paths: [join(root, 'imgs')], labels: cocoSource(join(root, 'coco.json'), project.classes.list()) });
    expect(report).toMatchObject({ added: 1, labelsAdded: 0 });
    expect(report.skipped[0]).toMatchObject({ reason: 'label_rejected', message: expect.stringMatching(/2 images named x\.jpg \(day\/x\.jpg, night\/x\.jpg\)/) });
  });

  it('marks an image done only when its imported mask labels at least half of it; scribbles stay in progress', async () => {
    const fs = await import('node:fs');
    for (const d of ['imgs', 'labels']) fs.mkdirSync(join(root, d), { recursive: true });
    await writeImage(join(root, 'imgs/dense.jpg'), 10, 10, 'jpeg', 1);
    await writeImage(join(root, 'imgs/half.jpg'), 10, 10, 'jpeg', 2);
    await writeImage(join(root, 'imgs/scribble.jpg'), 10, 10, 'jpeg', 3);
    writeMask(join(root, 'labels/dense.png'), 10, 10, (x) => (x < 9 ? 1 : 255));
    writeMask(join(root, 'labels/half.png'), 10, 10, (x) => (x < 5 ? 1 : 255));
    writeMask(join(root, 'labels/scribble.png'), 10, 10, (x, y) => (y === 4 && x < 6 ? 1 : 255));
    const report = await importImages(project, { paths: [join(root, 'imgs')], labels: indexPngSource(join(root, 'labels'), []) });
    expect(report.labelsAdded).toBe(3);
    const status = new Map(project.images.list({ sort: 'name', descending: false }).map((r) => [r.fileName, r.status]));
    expect(Object.fromEntries(status)).toEqual({ 'dense.jpg': 'done', 'half.jpg': 'done', 'scribble.jpg': 'in_progress' });
  });
});

describe('links in an imported folder', () => {
  it('reports a dangling link and link loops per entry, never follows a loop, and imports the rest', async () => {
    const fs = await import('node:fs');
    const dir = join(root, 'linked');
    fs.mkdirSync(join(dir, 'sub'), { recursive: true });
    await writeImage(join(dir, 'a.png'), 10, 10, 'png', 1);
    await writeImage(join(dir, 'sub', 'b.png'), 10, 10, 'png', 2);
    fs.symlinkSync(join(dir, 'gone.png'), join(dir, 'dangling.png'));
    fs.symlinkSync(join(dir, 'loop2.png'), join(dir, 'loop1.png'));
    fs.symlinkSync(join(dir, 'loop1.png'), join(dir, 'loop2.png'));
    fs.symlinkSync(dir, join(dir, 'sub', 'up')); // a folder link back to an ancestor
    fs.symlinkSync(join(dir, 'a.png'), join(dir, 'z-link.png')); // a good link to a file already listed: listed once

    const report = await importImages(project, { paths: [dir] });
    expect(report.added).toBe(2);
    const byPath = new Map(report.skipped.map((s) => [s.path, s]));
    expect(byPath.get(join(dir, 'dangling.png'))).toMatchObject({ reason: 'unreadable' });
    expect(byPath.get(join(dir, 'dangling.png'))!.message).toMatch(/broken link/);
    expect(byPath.get(join(dir, 'loop1.png'))!.message).toMatch(/link loop/);
    expect(byPath.get(join(dir, 'loop2.png'))!.message).toMatch(/link loop/);
    expect(byPath.get(join(dir, 'sub', 'up'))!.message).toMatch(/link loop.*not followed/);
    expect(report.skipped.filter((s) => s.path.includes(join('up', 'sub')))).toEqual([]);
    expect(report.skipped).toHaveLength(4);
  });

  it('lists a file named twice (itself and its folder, or through a link) once, so its mask is not ambiguous', async () => {
    const fs = await import('node:fs');
    for (const d of ['imgs/b', 'labels']) fs.mkdirSync(join(root, d), { recursive: true });
    await writeImage(join(root, 'imgs/b/x.jpg'), 8, 6, 'jpeg', 1);
    fs.mkdirSync(join(root, 'imgs/a'));
    fs.symlinkSync(join(root, 'imgs/b/x.jpg'), join(root, 'imgs/a/x.jpg'));
    writeMask(join(root, 'labels/x.png'), 8, 6, () => 2);
    const report = await importImages(project, { paths: [join(root, 'imgs'), join(root, 'imgs/b/x.jpg')], labels: indexPngSource(join(root, 'labels'), []) });
    expect(report).toMatchObject({ added: 1, labelsAdded: 1, skipped: [] });
  });
});

describe('a full disk while importing without --copy', () => {
  it('reports each image that did not fit, keeps what fitted, and leaves no image without its thumbnail', async () => {
    const fs = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    const small = join(root, 'small-disk');
    fs.mkdirSync(small);
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', small], { stdio: 'ignore' });
      mounted = true;
    } catch {
      console.warn('no tmpfs here (needs root): SQLite max_page_count plays the full disk');
    }
    const p = Project.create(join(small, 'p'), null);
    try {
      if (!mounted) p.db.pragma(`max_page_count = ${Number(p.db.pragma('page_count', { simple: true })) + 60}`);
      const dir = join(root, 'noisy');
      fs.mkdirSync(dir);
      const sharp = (await import('sharp')).default;
      for (let i = 0; i < 30; i++) {
        const noise = { type: 'gaussian' as const, mean: 128, sigma: 90 };
        await sharp({ create: { width: 300, height: 300, channels: 3, background: '#000', noise } }).png().toFile(join(dir, `n${i}.png`));
      }
      const report = await importImages(p, { paths: [dir], concurrency: 2 });
      const full = report.skipped.filter((s) => s.reason === 'disk_full');
      expect(report.added).toBeGreaterThan(0);
      expect(full.length).toBeGreaterThan(0);
      expect(report.added + full.length).toBe(30);
      const rows = p.images.all();
      expect(rows).toHaveLength(report.added);
      for (const r of rows) expect(p.images.thumbnail(r.id), r.path).toBeDefined();
    } finally {
      p.close();
      if (mounted) execFileSync('umount', [small]);
    }
  });
});

describe('another process importing the same files at the same time', () => {
  it('a file it added between our check and our insert is a duplicate, not the end of the import', async () => {
    await writeImage(join(root, 'a.png'), 8, 6, 'png', 1);
    await writeImage(join(root, 'b.png'), 8, 6, 'png', 2);
    // What a second process (another server, a CLI import) does in that instant, played by a trigger:
    // the same content lands in the table just before our insert of b.png.
    project.db.exec(`CREATE TEMP TRIGGER other_process BEFORE INSERT ON images WHEN NEW.path LIKE '%b.png' AND NEW.stem = 'b'
      BEGIN INSERT INTO images (path, file_name, stem, sha256, byte_size, mtime_ms, width, height, format, imported_at)
        VALUES ('/elsewhere/b.png', 'b.png', 'b-other', NEW.sha256, NEW.byte_size, NEW.mtime_ms, NEW.width, NEW.height, NEW.format, NEW.imported_at); END`);
    const report = await importImages(project, { paths: [join(root, 'a.png'), join(root, 'b.png')], concurrency: 1 });
    project.db.exec('DROP TRIGGER temp.other_process');
    expect(report.added).toBe(1);
    expect(report.skipped).toEqual([{ path: join(root, 'b.png'), reason: 'duplicate', message: expect.stringMatching(/already in the project/) }]);
    // (The trigger's row goes with our failed insert; the other process's would stay.) The import went on:
    expect(project.images.all().map((i) => i.path)).toEqual([join(root, 'a.png')]);
  });
});
