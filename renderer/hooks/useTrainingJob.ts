import { useCallback, useState } from 'react';
import type { RendererEvents, RequestOf, RunSummary } from '../../shared/contract/rendererContract';
import { errorMessage } from '../state/errorMessage';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';
import { useJobStart } from './useJobStart';

export type TrainingRequest = RequestOf<'runs:start'>;
export type TrainingProgress = Omit<RendererEvents['runs:progress'], 'jobId' | 'runId'>;
/** An epoch's numbers (the run's whole row, which the event also carries, is the run list's business). */
export type EpochPoint = Omit<RendererEvents['runs:epoch'], 'jobId' | 'run'>;
export type WeightsDownload = Omit<RendererEvents['runs:download'], 'jobId'>;

export type TrainingState =
  /** `finished` names the run that just stopped, so the panel can keep showing it. */
  | { phase: 'idle'; error: string | null; finished: { runId: number | null; stoppedBy: string | null } | null }
  | { phase: 'starting' }
  | {
      phase: 'running';
      jobId: string;
      runId: number | null;
      /** ImageNet weights still downloading before the run starts; null otherwise. */
      download: WeightsDownload | null;
      progress: TrainingProgress | null;
      epochs: EpochPoint[];
      cancelling: boolean;
    };

export interface TrainingJob {
  state: TrainingState;
  start(request: TrainingRequest): Promise<void>;
  /** Follows a run the backend is training for someone else (another window, or this one before a reload). */
  follow(run: RunSummary): void;
  cancel(): Promise<void>;
}

type RunDone = RendererEvents['runs:done'];

/**
 * The training run started from this window, or followed from the run list: its start, live
 * progress, epochs, cancel and outcome. A refused start and a failed run both end idle with the
 * backend's message.
 */
export function useTrainingJob(): TrainingJob {
  const client = useClient();
  const [state, setState] = useState<TrainingState>({ phase: 'idle', error: null, finished: null });
  const finish = useCallback(({ runId, stoppedBy, error }: RunDone) => {
    setState({ phase: 'idle', error: error?.message ?? null, finished: error && runId === null ? null : { runId, stoppedBy } });
  }, []);

  // A run refused inside the job (no labeled images) can end before `runs:start` replies; useJobStart keeps that outcome.
  const { begin, follow, cancel } = useJobStart('runs:done', finish);

  useBackendEvent('runs:progress', ({ jobId: id, runId, ...progress }) => {
    setState((s) => (s.phase === 'running' && s.jobId === id ? { ...s, runId: runId ?? s.runId, progress } : s));
  });
  useBackendEvent('runs:download', ({ jobId: id, ...download }) => {
    setState((s) => (s.phase === 'running' && s.jobId === id ? { ...s, download: download.total !== null && download.bytes >= download.total ? null : download } : s));
  });
  useBackendEvent('runs:epoch', ({ jobId: id, run: _run, ...point }) => {
    setState((s) => (s.phase === 'running' && s.jobId === id ? { ...s, epochs: [...s.epochs.filter((e) => e.epoch !== point.epoch), point] } : s));
  });

  return {
    state,
    start: useCallback(
      async (request) => {
        setState({ phase: 'starting' });
        try {
          const id = await begin(() => client.invoke('runs:start', request));
          if (!id) return;
          const resumed = request.resume !== undefined && /^\d+$/.test(request.resume) ? Number(request.resume) : null;
          setState({ phase: 'running', jobId: id, runId: resumed, download: null, progress: null, epochs: [], cancelling: false });
        } catch (err) {
          setState({ phase: 'idle', error: errorMessage(err), finished: null });
        }
      },
      [client, begin],
    ),
    follow: useCallback(
      (run) => {
        if (run.jobId === null || !follow(run.jobId)) return;
        const epochs = run.epochs.map(({ epoch, trainLoss, valLoss, meanIoU, pixelAccuracy, seconds }) => ({ epoch, trainLoss, valLoss, meanIoU, pixelAccuracy, seconds }));
        setState({ phase: 'running', jobId: run.jobId, runId: run.id, download: null, progress: null, epochs, cancelling: false });
      },
      [follow],
    ),
    cancel: useCallback(
      () =>
        cancel(async (id) => {
          setState((s) => (s.phase === 'running' ? { ...s, cancelling: true } : s));
          await client.invoke('runs:cancel', { jobId: id });
        }),
      [client, cancel],
    ),
  };
}
