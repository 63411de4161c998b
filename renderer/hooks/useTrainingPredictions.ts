import { useCallback, useRef, useState } from 'react';
import type { PredictionTarget } from '../../shared/review/predictions';
import { errorMessage } from '../state/errorMessage';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

export interface RunPrediction {
  jobId: string | null;
  done: number;
  total: number;
  /** How the last job of the run ended, or why it could not start. */
  message: string | null;
}

/** Prediction jobs started from the run list, per run: progress, cancel, and how each ended. */
export function useTrainingPredictions() {
  const client = useClient();
  const [byRun, setByRun] = useState<ReadonlyMap<number, RunPrediction>>(new Map());
  const set = (runId: number, change: (p: RunPrediction) => RunPrediction) =>
    setByRun((m) => new Map(m).set(runId, change(m.get(runId) ?? { jobId: null, done: 0, total: 0, message: null })));
  const forJob = (jobId: string, change: (p: RunPrediction) => RunPrediction) =>
    setByRun((m) => {
      const entry = [...m].find(([, p]) => p.jobId === jobId);
      return entry ? new Map(m).set(entry[0], change(entry[1])) : m;
    });

  useBackendEvent('predictions:progress', (e) => forJob(e.jobId, (p) => ({ ...p, done: e.done, total: e.total })));
  // A small job can end before `predictions:start` replies: its outcome waits here for the reply.
  const endedEarly = useRef(new Map<string, string>());
  useBackendEvent('predictions:done', (e) => {
    const message = e.error ? e.error.message : `${e.predicted} image${e.predicted === 1 ? '' : 's'} predicted${e.cancelled ? ' (cancelled)' : ''}`;
    endedEarly.current.set(e.jobId, message);
    // Jobs of other windows end here too: keep only the last few.
    if (endedEarly.current.size > 20) endedEarly.current.delete(endedEarly.current.keys().next().value!);
    forJob(e.jobId, () => ({ jobId: null, done: 0, total: 0, message }));
  });

  const start = useCallback(
    async (runId: number, target: PredictionTarget) => {
      try {
        const { jobId, images } = await client.invoke('predictions:start', { runId, target });
        const ended = endedEarly.current.get(jobId);
        endedEarly.current.delete(jobId);
        set(runId, () => (ended === undefined ? { jobId, done: 0, total: images, message: null } : { jobId: null, done: 0, total: 0, message: ended }));
      } catch (err) {
        set(runId, (p) => ({ ...p, message: errorMessage(err) }));
      }
    },
    [client],
  );
  const cancel = useCallback((jobId: string) => void client.invoke('predictions:cancel', { jobId }).catch(() => {}), [client]);
  return { byRun, start, cancel };
}
