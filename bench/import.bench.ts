import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { importImages } from '../electron/backend/importService';
import { THUMBNAIL_SIZE } from '../electron/backend/imageDecoding';
import { Project } from '../electron/backend/project';
import { benchLine, type BenchSuite } from './benchLine';
import { CAMVID_DIR } from './datasets';

const COUNT = 1000;
const CONCURRENCY = 4;

/**
 * `import.ratio_vs_decode`: importing 1,000 JPEGs (hash, probe, thumbnail, database rows) against
 * sharp's bare decode + thumbnail of the same files at the same concurrency. Goal ≤ 1.5.
 */
export const importBench: BenchSuite = {
  name: 'import',
  async run(emit) {
    const { dir, source } = await benchImages();
    const files = readdirSync(dir).map((f) => join(dir, f));
    // Warm the page cache and sharp's code paths so neither side pays for the first read.
    await bareThumbnails(files.slice(0, 50));

    const baselines: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < 2; round++) {
      let t0 = performance.now();
      await bareThumbnails(files);
      baselines.push((performance.now() - t0) / 1000);

      const projectDir = join(tmpdir(), `fcn-bench-import-project-${process.pid}`);
      rmSync(projectDir, { recursive: true, force: true });
      const project = Project.create(projectDir, null);
      t0 = performance.now();
      const report = await importImages(project, { paths: [dir], concurrency: CONCURRENCY });
      ours.push((performance.now() - t0) / 1000);
      project.close();
      rmSync(projectDir, { recursive: true, force: true });
      if (report.added !== files.length) throw new Error(`the import bench imported ${report.added} of ${files.length} files`);
    }
    const best = Math.min(...ours);
    const baseline = Math.min(...baselines);
    emit(benchLine('import.images_per_s', files.length / best, 'img/s', null, `${files.length} JPEGs (${source}), best of 2 runs`));
    emit(
      benchLine(
        'import.ratio_vs_decode',
        best,
        's',
        baseline,
        `import of ${files.length} JPEGs vs sharp decode+${THUMBNAIL_SIZE}px thumbnail of the same files, both ${CONCURRENCY} in flight; ratio = ours/baseline, lower is better, goal ≤ 1.5`,
      ),
    );
  },
};

async function bareThumbnails(files: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      await sharp(file).rotate().resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 78 }).toBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/**
 * 1,000 distinct JPEGs: CamVid frames where ../shared has them (each re-encoded with a small
 * per-copy shift so no two files share content), synthetic gradients otherwise. Cached in tmp.
 */
export async function benchImages(): Promise<{ dir: string; source: string }> {
  const camvid = existsSync(CAMVID_DIR);
  const source = camvid ? 'CamVid 480×360 frames, re-encoded' : 'synthetic 480×360';
  const dir = join(tmpdir(), `fcn-bench-import-${COUNT}-${camvid ? 'camvid' : 'synthetic'}`);
  if (existsSync(dir) && readdirSync(dir).length === COUNT) return { dir, source };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const frames = camvid
    ? ['train', 'val'].flatMap((s) => readdirSync(join(CAMVID_DIR, s, 'images')).map((f) => join(CAMVID_DIR, s, 'images', f)))
    : [];
  for (let i = 0; i < COUNT; i++) {
    const base = frames.length
      ? sharp(frames[i % frames.length])
      : sharp({ create: { width: 480, height: 360, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: (i * 13) % 256 } } });
    await base
      .modulate({ brightness: 1 + (i / COUNT) * 0.1 })
      .jpeg({ quality: 90 })
      .toFile(join(dir, `img${String(i).padStart(4, '0')}.jpg`));
  }
  return { dir, source };
}
