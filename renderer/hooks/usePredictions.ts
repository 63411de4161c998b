import { useCallback, useEffect, useRef, useState } from 'react';
import type { PredictionSummary } from '../../shared/review/predictions';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

/**
 * The current predictions (the newest run with a checkpoint) by image id. Each stored prediction
 * arrives with its numbers (`predictions:saved`) and is patched in place; label saves reload the
 * list so IoU is never shown against a label that has since changed. While `paused` (the grid
 * hidden behind the editor, which saves often) those reloads wait until it is shown again.
 */
export function usePredictions({ paused = false }: { paused?: boolean } = {}) {
  const client = useClient();
  const [state, setState] = useState<{ runId: number | null; byImage: Map<number, PredictionSummary> }>({ runId: null, byImage: new Map() });
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    client.invoke('predictions:list', {}).then(
      ({ runId, predictions }) => {
        setState({ runId, byImage: new Map(predictions.map((p) => [p.imageId, p])) });
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [client]);
  useEffect(refresh, [refresh]);
  const stale = useRef(false);
  useEffect(() => {
    if (!paused && stale.current) {
      stale.current = false;
      refresh();
    }
  }, [paused, refresh]);
  const labelsChanged = () => {
    if (paused) stale.current = true;
    else refresh();
  };
  useBackendEvent('predictions:saved', ({ summary }) => {
    // A prediction of another run than the one listed (a newer run's first): the whole list changes.
    if (state.runId !== null && summary.runId !== state.runId) return refresh();
    setState((s) => ({ runId: summary.runId, byImage: new Map(s.byImage).set(summary.imageId, summary) }));
  });
  useBackendEvent('images:changed', ({ reason }) => reason === 'labels' && labelsChanged());
  useBackendEvent('runs:done', refresh);
  return { ...state, error };
}
