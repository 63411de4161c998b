import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeMaskPng } from '../../../shared/mask/maskPng';
import { importImages } from '../../../electron/backend/importService';
import { exportMasks } from '../../../electron/backend/interop/exportService';
import { indexPngSource } from '../../../electron/backend/interop/labelSources';
import { saveLabels } from '../../../electron/backend/labelService';
import { decodeScaled } from '../../../electron/ml/dataset';
import { bmpBytes, bmpHeaderOnly, gradientPixels, pngHeaderOnly, pngInflatingTo, writeMask } from '../../fixtures/images';
import { useTempProject } from '../../fixtures/trainingProject';

const env = useTempProject();

/** Mean absolute difference of two RGB rasters (JPEG re-encoding is lossy). */
const meanDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe('every image format import accepts is read by training, prediction and export', () => {
  it('BMPs (bottom-up, top-down, 8-bit palette, 32-bit) train, predict and export as they look', async () => {
    const dir = join(env.root, 'bmps');
    const labels = join(env.root, 'labels');
    mkdirSync(dir);
    mkdirSync(labels);
    const pixels = new Uint8Array(gradientPixels(12, 10, 4));
    const flat = new Uint8Array(12 * 10 * 3).map((_, i) => [200, 40, 90][i % 3]);
    const files = {
      up: bmpBytes({ width: 12, height: 10, rgb: pixels, bitsPerPixel: 24 }),
      down: bmpBytes({ width: 12, height: 10, rgb: pixels.map((v) => 255 - v), bitsPerPixel: 24, topDown: true }),
      palette: bmpBytes({ width: 12, height: 10, rgb: flat, bitsPerPixel: 8 }),
      alpha: bmpBytes({ width: 12, height: 10, rgb: pixels.map((v) => v >> 1), bitsPerPixel: 32, topDown: true }),
    };
    const expected = { up: pixels, down: pixels.map((v) => 255 - v), palette: flat, alpha: pixels.map((v) => v >> 1) };
    for (const [name, bytes] of Object.entries(files)) {
      writeFileSync(join(dir, `${name}.bmp`), bytes);
      writeMask(join(labels, `${name}.png`), 12, 10, (x) => x % 3);
    }
    const report = await importImages(env.project, { paths: [dir], labels: indexPngSource(labels, []), split: 'train' });
    expect(report).toMatchObject({ added: 4, labelsAdded: 4, skipped: [] });

    // What the ML process decodes for training and prediction.
    for (const [name, want] of Object.entries(expected)) {
      const decoded = await decodeScaled(join(dir, `${name}.bmp`), { longSide: 64 } as never);
      expect(decoded, name).toMatchObject({ width: 12, height: 10, fullWidth: 12, fullHeight: 10 });
      expect(meanDiff(decoded.rgb, want), name).toBe(0);
    }

    const out = join(env.root, 'voc');
    const exported = await exportMasks(env.project, { format: 'voc', outDir: out });
    expect(exported).toMatchObject({ written: 4, skipped: [] });
    expect(readdirSync(join(out, 'JPEGImages')).sort()).toEqual(['alpha.jpg', 'down.jpg', 'palette.jpg', 'up.jpg']);
    for (const [name, want] of Object.entries(expected)) {
      const jpeg = await sharp(join(out, 'JPEGImages', `${name}.jpg`)).raw().toBuffer();
      expect(meanDiff(new Uint8Array(jpeg), want), name).toBeLessThan(6);
    }
  });

  it('refuses an oversize BMP as too_large from its header, without decoding it', async () => {
    writeFileSync(join(env.root, 'huge.bmp'), bmpHeaderOnly(30_000, -30_000));
    const report = await importImages(env.project, { paths: [join(env.root, 'huge.bmp')] });
    expect(report.added).toBe(0);
    expect(report.skipped[0]).toMatchObject({ reason: 'too_large' });
    expect(report.skipped[0].message).toContain('30000×30000');
  });
});

describe('mask sizes are read from the PNG header before anything is inflated', () => {
  it('import rejects a 30000×30000 mask by its header', async () => {
    const dir = join(env.root, 'imgs');
    const labels = join(env.root, 'labels');
    mkdirSync(dir);
    mkdirSync(labels);
    writeFileSync(join(dir, 'a.bmp'), bmpBytes({ width: 8, height: 6, rgb: new Uint8Array(gradientPixels(8, 6)), bitsPerPixel: 24 }));
    writeFileSync(join(labels, 'a.png'), pngHeaderOnly(30_000, 30_000));
    const report = await importImages(env.project, { paths: [dir], labels: indexPngSource(labels, []) });
    expect(report).toMatchObject({ added: 1, labelsAdded: 0 });
    expect(report.skipped[0]).toMatchObject({ reason: 'label_rejected', message: 'mask is 30000×30000 but its image is 8×6' });
  });

  it('labels:save rejects an oversize or wrong-size mask by its header', async () => {
    writeFileSync(join(env.root, 'a.bmp'), bmpBytes({ width: 8, height: 6, rgb: new Uint8Array(gradientPixels(8, 6)), bitsPerPixel: 24 }));
    await importImages(env.project, { paths: [join(env.root, 'a.bmp')] });
    const id = env.project.images.all()[0].id;
    expect(() => saveLabels(env.project, id, 0, pngHeaderOnly(30_000, 30_000))).toThrow('mask is 30000×30000 but its image is 8×6');
    expect(() => saveLabels(env.project, id, 0, encodeMaskPng({ width: 8, height: 5, values: new Uint8Array(40) }))).toThrow('mask is 8×5 but its image is 8×6');
    expect(saveLabels(env.project, id, 0, encodeMaskPng({ width: 8, height: 6, values: new Uint8Array(48) })).version).toBe(1);
  });

  it('a mask whose pixel data inflates past the size its header states is refused, never inflated whole', async () => {
    writeFileSync(join(env.root, 'a.bmp'), bmpBytes({ width: 8, height: 6, rgb: new Uint8Array(gradientPixels(8, 6)), bitsPerPixel: 24 }));
    const labels = join(env.root, 'labels');
    mkdirSync(labels);
    const bomb = pngInflatingTo(8, 6, 64 * 2 ** 20); // 64 MiB of zeros behind an 8×6 header, about 64 KiB on the wire
    writeFileSync(join(labels, 'a.png'), bomb);
    const report = await importImages(env.project, { paths: [join(env.root, 'a.bmp')], labels: indexPngSource(labels, []) });
    expect(report.skipped[0]).toMatchObject({ reason: 'label_rejected', message: expect.stringMatching(/inflates to more than/) });
    const id = env.project.images.all()[0].id;
    expect(() => saveLabels(env.project, id, 0, bomb)).toThrow(/inflates to more than/);
    expect(env.project.images.byId(id)!.labelVersion).toBe(0);
  });
});
