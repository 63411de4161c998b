import { useCallback, useRef } from 'react';
import type { RunSummary } from '../../shared/contract/rendererContract';
import { patchRunList, withoutRun } from '../state/runList';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';
import { useRefreshingQuery } from './useRefreshingQuery';

export interface TrainingRuns {
  /** Newest first. */
  runs: RunSummary[] | null;
  error: string | null;
  refresh(): void;
}

/**
 * The project's training runs, kept current in place: an ended epoch, a stopped run and an
 * evaluation carry the run's new row, a deletion its id (in this window or another). Only a run
 * that starts reporting before its first epoch (another window's) reloads the list.
 */
export function useTrainingRuns(): TrainingRuns {
  const client = useClient();
  const query = useRefreshingQuery(async () => (await client.invoke('runs:list', {})).sort((a, b) => b.id - a.id), [client]);
  const { update, refresh } = query;
  // Before the first reply there is nothing to patch: that reply is newer than the event anyway.
  const patch = useCallback((run: RunSummary | null) => run && update((runs) => runs && patchRunList(runs, run)), [update]);
  // A run started in another window is listed (and can be followed) from its first step, not its first epoch.
  const reloadedFor = useRef(new Set<string>());
  useBackendEvent('runs:progress', ({ jobId }) => {
    if (reloadedFor.current.has(jobId) || query.data?.some((r) => r.jobId === jobId)) return;
    reloadedFor.current.add(jobId);
    refresh();
  });
  useBackendEvent('runs:epoch', ({ run }) => patch(run));
  useBackendEvent('runs:done', ({ run }) => patch(run));
  useBackendEvent('runs:changed', ({ runId, run }) => (run ? patch(run) : update((runs) => runs && withoutRun(runs, runId))));
  return { runs: query.data, error: query.error, refresh };
}
