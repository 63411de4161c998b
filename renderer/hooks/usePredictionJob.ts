import { useCallback, useRef, useState } from 'react';
import type { RendererEvents } from '../../shared/contract/rendererContract';
import type { PredictionTarget } from '../../shared/review/predictions';
import { errorMessage } from '../state/errorMessage';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

export interface PredictionJobState {
  jobId: string;
  runId: number;
  done: number;
  total: number;
}

type Done = RendererEvents['predictions:done'];

/**
 * One prediction job started from a screen: start, progress, cancel, and its end. A small job can
 * end before `predictions:start` has answered (its events and the reply share one channel, but the
 * screen learns its job id only from the reply), so ends seen early are kept until the reply names them.
 */
export function usePredictionJob(onDone: (e: Done) => void) {
  const client = useClient();
  const [job, setJob] = useState<PredictionJobState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = useRef<string | null>(null);
  const endedEarly = useRef(new Map<string, Done>());

  const finish = useCallback(
    (e: Done) => {
      current.current = null;
      setJob(null);
      if (e.error) setError(e.error.message);
      onDone(e);
    },
    [onDone],
  );
  useBackendEvent('predictions:progress', (e) => setJob((j) => (j && j.jobId === e.jobId ? { ...j, done: e.done, total: e.total } : j)));
  useBackendEvent('predictions:done', (e) => {
    if (e.jobId === current.current) finish(e);
    else if (current.current === '') endedEarly.current.set(e.jobId, e);
  });

  const start = useCallback(
    async (target: PredictionTarget) => {
      setError(null);
      // '' = a start is in flight: ends arriving now may be its own.
      current.current = '';
      endedEarly.current.clear();
      try {
        const r = await client.invoke('predictions:start', { target });
        current.current = r.jobId;
        const early = endedEarly.current.get(r.jobId);
        endedEarly.current.clear();
        if (early) finish(early);
        else setJob({ jobId: r.jobId, runId: r.runId, done: 0, total: r.images });
      } catch (e) {
        current.current = null;
        setError(errorMessage(e));
      }
    },
    [client, finish],
  );
  const cancel = useCallback(() => {
    if (job) void client.invoke('predictions:cancel', { jobId: job.jobId });
  }, [client, job]);
  return { job, error, setError, start, cancel };
}
