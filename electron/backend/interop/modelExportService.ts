import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import { runCheckpoint } from '../training/predictionService';
import { resolveRun } from '../training/trainingService';
import { checkExportTarget, EXPORT_MARKER } from './exportService';

/**
 * Exports a run's checkpoint (best, else last) as a TF.js graph model (`tfjs/`) and an ONNX model
 * (`onnx/model.onnx`), each with classes.json and a README of the preprocessing. Like mask exports,
 * it never overwrites a folder that is not an earlier export of ours.
 */
export async function exportRunModel(project: Project, ml: MlSupervisor, runRef: string, out: string, force: boolean) {
  const runId = resolveRun(project, runRef);
  const outDir = resolve(out);
  if (checkExportTarget(outDir, force)) await rm(outDir, { recursive: true });
  await mkdir(outDir, { recursive: true });
  const classes = project.classes.list().map((c) => ({ value: c.value, name: c.name, color: c.color }));
  // Rebuilding the graph reads every weight: work for the ML process, not the backend.
  const result = await ml.request('exportModel', { checkpoint: runCheckpoint(project, runId), outDir, classes }, 30 * 60_000);
  await writeFile(join(outDir, EXPORT_MARKER), JSON.stringify({ format: 'model', runId, epoch: result.epoch, at: new Date().toISOString() }) + '\n');
  return { runId, outDir, epoch: result.epoch, files: result.files };
}
