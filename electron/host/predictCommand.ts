import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MlSupervisor } from '../backend/mlSupervisor';
import { encodeIndexedPng } from '../backend/interop/pngEncoder';
import type { Project } from '../backend/project';
import { predictImages, storePrediction } from '../backend/training/predictionService';
import { resolveRun } from '../backend/training/trainingService';

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
    if (p.imageId > 0) storePrediction(project, runId, p);
  });
  await Promise.all(writes);
  return predicted;
}
