import type { RunSummary } from '../../shared/contract/rendererContract';

/**
 * The run list (newest first) with `run`'s row replaced, or inserted in its place when it is new
 * (a run started in another window): what an event carrying the row needs, without a reload.
 */
export function patchRunList(runs: RunSummary[], run: RunSummary): RunSummary[] {
  const rest = runs.filter((r) => r.id !== run.id);
  const at = rest.findIndex((r) => r.id < run.id);
  return at < 0 ? [...rest, run] : [...rest.slice(0, at), run, ...rest.slice(at)];
}

/** The run list without a deleted run. */
export function withoutRun(runs: RunSummary[], runId: number): RunSummary[] {
  return runs.filter((r) => r.id !== runId);
}
