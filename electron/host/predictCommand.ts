import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { IMAGE_EXTENSIONS } from '../../shared/domain/images';
import type { MlSupervisor } from '../backend/mlSupervisor';
import { encodeIndexedPng } from '../backend/interop/pngEncoder';
import type { Project } from '../backend/project';
import { predictImages } from '../backend/training/predictionService';
import { resolveRun } from '../backend/training/trainingService';

/** Image files under the given files and folders (recursively), in name order. */
export async function listImageFiles(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string) => {
    if ((await stat(path)).isDirectory()) {
      for (const name of (await readdir(path)).sort()) if (!name.startsWith('.')) await visit(join(path, name));
    } else if ((IMAGE_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase())) {
      found.push(path);
    }
  };
  for (const p of paths) await visit(resolve(p));
  return found;
}

/** Predicts the items and writes `<stem>.png` (8-bit, value = class) for each into `out`. */
export async function writePredictions(
  project: Project,
  ml: MlSupervisor,
  runRef: string,
  items: Array<{ imageId: number; path: string; stem: string }>,
  out: string,
): Promise<number> {
  await mkdir(out, { recursive: true });
  const stemById = new Map(items.map((i) => [i.imageId, i.stem.replace(/[/\\]/g, '_')]));
  const writes: Promise<void>[] = [];
  const runId = resolveRun(project, runRef);
  const { predicted } = await predictImages(project, ml, String(runId), items, (p) => {
    const png = encodeIndexedPng(p.mask, p.width, p.height);
    writes.push(writeFile(join(out, `${stemById.get(p.imageId)}.png`), png));
    // Project images keep their prediction too, for review and `export --source predictions:RUN`.
    if (p.imageId > 0) project.runs.savePrediction(runId, p.imageId, png, encodeIndexedPng(p.confidence, p.width, p.height), p.meanEntropy);
  });
  await Promise.all(writes);
  return predicted;
}
