import type { TrainingData } from '../../shared/contract/rendererContract';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';
import { useRefreshingQuery } from './useRefreshingQuery';

/** What a new run would train and validate on, recounted whenever images, labels or splits change. */
export function useTrainingData(): TrainingData | null {
  const client = useClient();
  const query = useRefreshingQuery(() => client.invoke('runs:trainingData', {}), [client]);
  useBackendEvent('images:changed', query.refresh);
  return query.data;
}
