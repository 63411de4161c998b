import { useCallback, useState } from 'react';
import type { RunEvaluation } from '../../shared/contract/rendererContract';
import { errorMessage } from '../state/errorMessage';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';
import { useRefreshingQuery } from './useRefreshingQuery';

export interface TrainingEvaluation {
  /** The stored full-resolution evaluation of the run on val; null before one. */
  evaluation: RunEvaluation | null;
  /** The run being evaluated now (one at a time), or null. */
  evaluatingId: number | null;
  error: string | null;
  evaluate(runId: number): Promise<void>;
}

/**
 * A run's stored evaluation (what `fcn-studio eval` computes), reloaded when any window evaluates
 * it or labels change (which can make it stale), and the Evaluate action.
 */
export function useTrainingEvaluation(runId: number | null): TrainingEvaluation {
  const client = useClient();
  const query = useRefreshingQuery(async () => (runId === null ? null : client.invoke('runs:evaluation', { runId, split: 'val' })), [client, runId]);
  const [evaluatingId, setEvaluatingId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useBackendEvent('runs:changed', (e) => e.runId === runId && query.refresh());
  useBackendEvent('images:changed', query.refresh);

  const evaluate = useCallback(
    async (id: number) => {
      setEvaluatingId(id);
      setError(null);
      try {
        await client.invoke('runs:evaluate', { runId: id, split: 'val' });
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setEvaluatingId(null);
      }
    },
    [client],
  );
  // Until the new run's reply arrives, the previous run's evaluation is not this run's.
  const evaluation = query.data && query.data.runId === runId ? query.data : null;
  return { evaluation, evaluatingId, error: error ?? query.error, evaluate };
}
