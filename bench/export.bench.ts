import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { UNLABELED } from '../shared/domain/classes';
import { presetClassFile } from '../shared/domain/presets';
import { countClasses, decodeMaskPng, encodeMaskPng } from '../shared/mask/maskPng';
import { exportMasks, type ExportFormat } from '../electron/backend/interop/exportService';
import { importImages } from '../electron/backend/importService';
import { Project } from '../electron/backend/project';
import { benchLine, type BenchSuite } from './benchLine';
import { CAMVID_DIR } from './datasets';
import { benchImages } from './import.bench';

/**
 * `export.ratio_vs_encode`: exporting 1,000 masks (read from SQLite, convert, write) against
 * sharp's bare PNG encode of the same masks. Goal ≤ 1.3.
 */
export const exportBench: BenchSuite = {
  name: 'export',
  async run(emit) {
    const { project, masks, dir } = await projectWithMasks();
    try {
      // Warm-up: first calls pay for loading code paths on both sides.
      await bareEncode(masks.slice(0, 20));
      const baseline: number[] = [];
      const ours: Record<string, number[]> = { 'png-gray': [], 'png-index': [] };
      for (let round = 0; round < 2; round++) {
        let t0 = performance.now();
        await bareEncode(masks);
        baseline.push((performance.now() - t0) / 1000);
        for (const format of Object.keys(ours) as ExportFormat[]) {
          t0 = performance.now();
          const report = await exportMasks(project, { format, outDir: join(dir, `out-${format}`), force: true });
          ours[format].push((performance.now() - t0) / 1000);
          if (report.written !== masks.length) throw new Error(`export bench wrote ${report.written} of ${masks.length}`);
        }
      }
      const base = Math.min(...baseline);
      const gray = Math.min(...ours['png-gray']);
      const index = Math.min(...ours['png-index']);
      emit(benchLine('export.masks_per_s', masks.length / gray, 'masks/s', null, `png-gray export of ${masks.length} 480×360 masks`));
      emit(benchLine('export.ratio_vs_encode', gray, 's', base, `png-gray export of ${masks.length} masks (SQLite read, write; the stored mask PNG is already the export format) vs sharp's bare PNG encode of the same masks; lower is better, goal ≤ 1.3`));
      emit(benchLine('export.png_index_ratio_vs_encode', index, 's', base, `png-index (VOC palette) export of the same masks (stored PNG with IHDR and PLTE rewritten, pixels not re-compressed) vs the same baseline`));
    } finally {
      project.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function bareEncode(masks: Uint8Array[]): Promise<void> {
  for (const values of masks) await sharp(values, { raw: { width: 480, height: 360, channels: 1 } }).png().toBuffer();
}

/** 1,000 images with masks: CamVid's label maps (cycled) where ../shared has them, synthetic stripes otherwise. */
async function projectWithMasks(): Promise<{ project: Project; masks: Uint8Array[]; dir: string }> {
  const dir = join(tmpdir(), `fcn-bench-export-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const project = Project.create(join(dir, 'project'), presetClassFile('camvid'));
  const { dir: imageDir } = await benchImages();
  await importImages(project, { paths: [imageDir] });
  const labelFiles = existsSync(CAMVID_DIR)
    ? ['train', 'val'].flatMap((s) => readdirSync(join(CAMVID_DIR, s, 'labels')).map((f) => join(CAMVID_DIR, s, 'labels', f)))
    : [];
  const masks: Uint8Array[] = [];
  for (const [i, image] of project.images.all().entries()) {
    const values = labelFiles.length
      ? decodeMaskPng(readFileSync(labelFiles[i % labelFiles.length])).values.map((v) => (v === 11 ? UNLABELED : v))
      : new Uint8Array(480 * 360).map((_, p) => Math.floor(((p % 480) + i) / 44) % 11);
    const { counts, labeledPixels } = countClasses(values);
    project.masks.save({ imageId: image.id, baseVersion: 0, png: encodeMaskPng({ width: 480, height: 360, values }), labeledPixels, classCounts: counts, source: 'import' });
    masks.push(values);
  }
  return { project, masks, dir };
}
