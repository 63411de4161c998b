import { useRef } from 'react';
import type { RunSummary } from '../../shared/contract/rendererContract';
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
 * The project's training runs, reloaded whenever a run starts reporting, an epoch ends, a run
 * stops, or one is evaluated or deleted (in this window or another).
 */
export function useTrainingRuns(): TrainingRuns {
  const client = useClient();
  const query = useRefreshingQuery(async () => (await client.invoke('runs:list', {})).sort((a, b) => b.id - a.id), [client]);
  // A run started in another window is listed (and can be followed) from its first step, not its first epoch.
  const reloadedFor = useRef(new Set<string>());
  useBackendEvent('runs:progress', ({ jobId }) => {
    if (reloadedFor.current.has(jobId) || query.data?.some((r) => r.jobId === jobId)) return;
    reloadedFor.current.add(jobId);
    query.refresh();
  });
  useBackendEvent('runs:epoch', query.refresh);
  useBackendEvent('runs:done', query.refresh);
  useBackendEvent('runs:changed', query.refresh);
  return { runs: query.data, error: query.error, refresh: query.refresh };
}
