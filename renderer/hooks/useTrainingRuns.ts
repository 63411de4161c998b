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

/** The project's training runs, reloaded whenever an epoch ends or a run stops (in this window or another). */
export function useTrainingRuns(): TrainingRuns {
  const client = useClient();
  const query = useRefreshingQuery(async () => (await client.invoke('runs:list', {})).sort((a, b) => b.id - a.id), [client]);
  useBackendEvent('runs:epoch', query.refresh);
  useBackendEvent('runs:done', query.refresh);
  return { runs: query.data, error: query.error, refresh: query.refresh };
}
