import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import type { EvaluationSplit, RunDeleteImpact, RunEvaluation, SplitTrainingData, TrainingData } from '../../../shared/contract/rendererContract';
import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import { evaluateRun } from './predictionService';
import { lockRun } from './runLock';

/** A run's checkpoint folder (`checkpoints/run-N`), whatever its rows say. */
function runCheckpointDir(project: Project, runId: number): string {
  return join(project.dir, 'checkpoints', `run-${runId}`);
}

function requireRun(project: Project, runId: number) {
  const run = project.runs.byId(runId);
  if (!run) throw new AppError('NOT_FOUND', `run ${runId} does not exist`);
  return run;
}

function folderBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // no checkpoint saved yet
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** What deleting the run would remove: its checkpoint files' size, its epochs and stored predictions. */
export function runDeleteImpact(project: Project, runId: number): RunDeleteImpact {
  requireRun(project, runId);
  return {
    runId,
    checkpointBytes: folderBytes(runCheckpointDir(project, runId)),
    epochs: project.runs.epochs(runId).length,
    predictions: project.runs.predictionCount(runId),
  };
}

/**
 * Deletes a run and its checkpoints. A run some process trains now (this one or another) is
 * refused: its lease is taken first, so no trainer can start on it while it goes.
 */
export function deleteRun(project: Project, runId: number): RunDeleteImpact {
  const impact = runDeleteImpact(project, runId);
  const unlock = lockRun(project, runId);
  try {
    project.runs.remove(runId);
  } finally {
    unlock();
  }
  rmSync(runCheckpointDir(project, runId), { recursive: true, force: true });
  return impact;
}

/**
 * What an evaluation was computed from: the best checkpoint's epoch and every labeled image of the
 * split at its label version. A stored evaluation whose fingerprint differs is shown as stale.
 */
function evaluationFingerprint(project: Project, runId: number, split: EvaluationSplit): { checkpointEpoch: number; fingerprint: string } {
  const checkpoints = project.runs.checkpoints(runId);
  const checkpoint = checkpoints.find((c) => c.kind === 'best') ?? checkpoints.find((c) => c.kind === 'last');
  const labeled = project.images
    .all()
    .filter((i) => i.split === split && i.labelVersion > 0 && i.fileState === 'ok')
    .map((i) => `${i.id}:${i.labelVersion}`)
    .sort();
  const checkpointEpoch = checkpoint?.epoch ?? 0;
  return { checkpointEpoch, fingerprint: createHash('sha256').update(`${checkpointEpoch}|${labeled.join(',')}`).digest('hex') };
}

type StoredEvaluation = Omit<RunEvaluation, 'stale'> & { fingerprint: string };

/** Scores the run's best checkpoint as `fcn-studio eval` does (the same function) and stores the report. */
export async function evaluateAndStore(project: Project, ml: MlSupervisor, runId: number, split: EvaluationSplit): Promise<RunEvaluation> {
  requireRun(project, runId);
  const before = evaluationFingerprint(project, runId, split);
  const report = await evaluateRun(project, ml, String(runId), split);
  const { initialWeights: _weights, predictedWith: _with, ...scores } = report;
  const stored: StoredEvaluation = { ...scores, split, checkpointEpoch: before.checkpointEpoch, evaluatedAt: new Date().toISOString(), fingerprint: before.fingerprint };
  project.runs.saveEvaluation(runId, split, stored);
  return storedEvaluation(project, runId, split)!;
}

/** The stored evaluation of a run on a split, marked stale when its labels or checkpoint moved on. */
export function storedEvaluation(project: Project, runId: number, split: EvaluationSplit): RunEvaluation | null {
  requireRun(project, runId);
  const stored = project.runs.evaluation(runId, split) as StoredEvaluation | null;
  if (!stored) return null;
  const { fingerprint, ...evaluation } = stored;
  return { ...evaluation, stale: fingerprint !== evaluationFingerprint(project, runId, split).fingerprint };
}

/** What a new run would use: the labeled images of train and val whose files are in place (as `train` takes them). */
export function trainingData(project: Project): TrainingData {
  const count = (split: 'train' | 'val'): SplitTrainingData => {
    const inSplit = project.images.all().filter((i) => i.split === split);
    const labeled = inSplit.filter((i) => i.labelVersion > 0 && i.fileState === 'ok').length;
    return { labeled, leftOut: inSplit.length - labeled };
  };
  return { train: count('train'), val: count('val') };
}
