import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import { runCheckpoint } from '../training/predictionService';
import { resolveRun } from '../training/trainingService';
import { ExportFolder } from './exportFolder';

/**
 * Exports a run's checkpoint (best, else last) as a TF.js graph model (`tfjs/`) and an ONNX model
 * (`onnx/model.onnx`), each with classes.json and a README of the preprocessing. Like mask exports,
 * it never overwrites a folder that is not an earlier export of ours.
 */
export async function exportRunModel(project: Project, ml: MlSupervisor, runRef: string, out: string, force: boolean) {
  const runId = resolveRun(project, runRef);
  const folder = await ExportFolder.prepare(out, force);
  const outDir = folder.dir;
  folder.requireAbsent('tfjs', 'onnx');
  const classes = project.classes.list().map((c) => ({ value: c.value, name: c.name, color: c.color }));
  // Rebuilding the graph reads every weight: work for the ML process, not the backend.
  const result = await ml.request('exportModel', { checkpoint: runCheckpoint(project, runId), outDir, classes }, 30 * 60_000);
  folder.adopt(result.files);
  await folder.writeMarker({ format: 'model', runId, epoch: result.epoch });
  return { runId, outDir, epoch: result.epoch, files: result.files };
}
