import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMaskPng, encodeMaskPng } from '../../../../shared/mask/maskPng';
import { importImages } from '../../../../electron/backend/importService';
import { EXPORT_MARKER, exportMasks } from '../../../../electron/backend/interop/exportService';
import { writeImage } from '../../../fixtures/images';
import { useTempProject } from '../../../fixtures/trainingProject';

const env = useTempProject();

/** Imports the images (relative paths under root/imgs) and gives image i a mask of class i + 1 everywhere. */
async function labeledImages(paths: string[]): Promise<void> {
  for (const [i, p] of paths.entries()) {
    mkdirSync(join(env.root, 'imgs', p, '..'), { recursive: true });
    await writeImage(join(env.root, 'imgs', p), 6, 4, 'jpeg', i);
  }
  await importImages(env.project, { paths: paths.map((p) => join(env.root, 'imgs', p)), concurrency: 1 });
  for (const image of env.project.images.all()) {
    const value = paths.indexOf(image.path.slice(join(env.root, 'imgs').length + 1)) + 1;
    env.project.masks.save({ imageId: image.id, baseVersion: 0, png: encodeMaskPng({ width: 6, height: 4, values: new Uint8Array(24).fill(value) }), labeledPixels: 24, classCounts: new Map([[value, 24]]), source: 'editor' });
  }
}

const maskValue = (file: string) => decodeMaskPng(readFileSync(file)).values[0];

describe('export file names', () => {
  it('never lets a generated name overwrite another image (a/x, b/x and c/x-1 make three files)', async () => {
    await labeledImages(['a/x.jpg', 'b/x.jpg', 'c/x-1.jpg']);
    const out = join(env.root, 'out');
    const report = await exportMasks(env.project, { format: 'png-gray', outDir: out });
    expect(report.written).toBe(3);
    const files = readdirSync(out).filter((f) => f.endsWith('.png'));
    expect(files).toHaveLength(3);
    expect(files.map((f) => maskValue(join(out, f))).sort()).toEqual([1, 2, 3]);
    expect(maskValue(join(out, 'x-1.png'))).toBe(3); // the image really named x-1 keeps its name
  });

  it('keeps a line break in a file name from splitting VOC lists, and says so', async () => {
    await labeledImages(['ok.jpg', 'two\nlines.jpg']);
    const out = join(env.root, 'voc');
    const report = await exportMasks(env.project, { format: 'voc', outDir: out });
    expect(report.written).toBe(2);
    const trainval = readFileSync(join(out, 'ImageSets', 'Segmentation', 'trainval.txt'), 'utf8');
    expect(trainval).toBe('');
    env.project.images.setSplit(env.project.images.all().map((i) => i.id), 'train');
    const again = await exportMasks(env.project, { format: 'voc', outDir: out, force: true });
    const lines = readFileSync(join(out, 'ImageSets', 'Segmentation', 'train.txt'), 'utf8').trimEnd().split('\n');
    expect(lines.sort()).toEqual(['ok', 'two_lines']);
    for (const stem of lines) {
      expect(readdirSync(join(out, 'JPEGImages'))).toContain(`${stem}.jpg`);
      expect(readdirSync(join(out, 'SegmentationClass'))).toContain(`${stem}.png`);
    }
    expect(again.renamed).toEqual([{ image: join(env.root, 'imgs', 'two\nlines.jpg'), name: 'two_lines', reason: expect.stringMatching(/line break/) }]);
  });
});

describe('--force replaces only what the earlier export wrote', () => {
  it("keeps the files and folders the user added, and never overwrites one that is in the way", async () => {
    await labeledImages(['a.jpg', 'b.jpg']);
    const out = join(env.root, 'out');
    await exportMasks(env.project, { format: 'voc', outDir: out });
    expect(JSON.parse(readFileSync(join(out, EXPORT_MARKER), 'utf8')).files).toContain('SegmentationClass/a.png');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'JPEGImages', 'extra.jpg'), 'mine too');
    mkdirSync(join(out, 'analysis'));
    writeFileSync(join(out, 'analysis', 'plot.py'), 'print(1)');

    const report = await exportMasks(env.project, { format: 'png-gray', outDir: out, force: true });
    expect(report.written).toBe(2);
    expect(readdirSync(out).sort()).toEqual([EXPORT_MARKER, 'JPEGImages', 'a.png', 'analysis', 'b.png', 'notes.txt'].sort());
    expect(readdirSync(join(out, 'JPEGImages'))).toEqual(['extra.jpg']);
    expect(readFileSync(join(out, 'analysis', 'plot.py'), 'utf8')).toBe('print(1)');

    // A user's file where the next export wants to write: skipped with the reason, never overwritten.
    rmSync(join(out, 'b.png'));
    writeFileSync(join(out, 'notes.txt'), 'still mine');
    const marker = JSON.parse(readFileSync(join(out, EXPORT_MARKER), 'utf8'));
    writeFileSync(join(out, EXPORT_MARKER), JSON.stringify({ ...marker, files: marker.files.filter((f: string) => f !== 'b.png') }));
    writeFileSync(join(out, 'b.png'), 'a file the user put there');
    const third = await exportMasks(env.project, { format: 'png-gray', outDir: out, force: true });
    expect(third.written).toBe(1);
    expect(third.skipped).toEqual([{ image: join(env.root, 'imgs', 'b.jpg'), message: expect.stringMatching(/b\.png is in the way.*not overwritten/) }]);
    expect(readFileSync(join(out, 'b.png'), 'utf8')).toBe('a file the user put there');
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('still mine');
  });

  it.skipIf(process.platform === 'win32')('never deletes through a folder the user replaced with a link (JPEGImages → their photos)', async () => {
    await labeledImages(['a.jpg', 'b.jpg']);
    const out = join(env.root, 'out');
    await exportMasks(env.project, { format: 'voc', outDir: out });
    // The user points JPEGImages at their originals, which carry the same names as the export's copies.
    const photos = join(env.root, 'photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'a.jpg'), 'the original photo');
    rmSync(join(out, 'JPEGImages'), { recursive: true });
    symlinkSync(photos, join(out, 'JPEGImages'));

    await exportMasks(env.project, { format: 'png-gray', outDir: out, force: true });
    expect(readFileSync(join(photos, 'a.jpg'), 'utf8')).toBe('the original photo');
  });

  it('refuses an earlier export whose marker does not list its files', async () => {
    await labeledImages(['a.jpg']);
    const out = join(env.root, 'old');
    mkdirSync(out);
    writeFileSync(join(out, EXPORT_MARKER), JSON.stringify({ format: 'png-gray', written: 1, at: '2026-01-01T00:00:00Z' }));
    writeFileSync(join(out, 'a.png'), 'maybe ours, maybe not');
    await expect(exportMasks(env.project, { format: 'png-gray', outDir: out, force: true })).rejects.toThrow(/does not list the files it wrote/);
    expect(readFileSync(join(out, 'a.png'), 'utf8')).toBe('maybe ours, maybe not');
  });
});

describe('VOC images', () => {
  it('are stored upright: a JPEG turned by its EXIF orientation is written turned, as its mask is (tools such as PIL ignore the tag)', async () => {
    const sharp = (await import('sharp')).default;
    mkdirSync(join(env.root, 'imgs'));
    const path = join(env.root, 'imgs', 'turned.jpg');
    // Stored 40×20, shown 20×40 (orientation 6: turned a quarter clockwise).
    await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } }).jpeg().withMetadata({ orientation: 6 }).toFile(path);
    await importImages(env.project, { paths: [path] });
    const image = env.project.images.all()[0];
    expect([image.width, image.height]).toEqual([20, 40]);
    env.project.masks.save({ imageId: image.id, baseVersion: 0, png: encodeMaskPng({ width: 20, height: 40, values: new Uint8Array(800).fill(1) }), labeledPixels: 800, classCounts: new Map([[1, 800]]), source: 'editor' });

    const out = join(env.root, 'voc');
    await exportMasks(env.project, { format: 'voc', outDir: out });
    const jpeg = await sharp(join(out, 'JPEGImages', 'turned.jpg')).metadata();
    const mask = decodeMaskPng(readFileSync(join(out, 'SegmentationClass', 'turned.png')));
    expect([jpeg.width, jpeg.height, jpeg.orientation ?? 1]).toEqual([mask.width, mask.height, 1]);
  });
});
