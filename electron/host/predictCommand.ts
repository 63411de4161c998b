import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MlSupervisor } from '../backend/mlSupervisor';
import { fileStems } from '../backend/interop/exportService';
import { encodeIndexedPng } from '../backend/interop/pngEncoder';
import type { Project } from '../backend/project';
import { predictImages, storePrediction } from '../backend/training/predictionService';
import { resolveRun } from '../backend/training/trainingService';

/**
 * Predicts the items and writes `<stem>.png` (8-bit, value = class) for each into `out`, named as
 * export names them: images sharing a stem (a/x.jpg, b/x.jpg) get a suffix no other name has.
 */
export async function writePredictions(
  project: Project,
  ml: MlSupervisor,
  runRef: string,
  items: Array<{ imageId: number; path: string; stem: string }>,
  out: string,
): Promise<number> {
  await mkdir(out, { recursive: true });
  // Files from outside the project (`--images`) have no id: their place in the list stands in for it.
  const nameKey = (imageId: number, k: number) => (imageId > 0 ? imageId : k + 1);
  const { names } = fileStems(items.map((item, k) => ({ id: nameKey(item.imageId, k), stem: item.stem, path: item.path })));
  const stemById = new Map(items.map((item, k) => [item.imageId, names.get(nameKey(item.imageId, k))!]));
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
