import { useCallback, useState } from 'react';
import type { RendererEvents, RequestOf } from '../../shared/contract/rendererContract';
import type { ExportReport } from '../../shared/domain/interop';
import { ApiError } from '../api/client';
import { errorMessage } from '../state/errorMessage';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';
import { useJobStart } from './useJobStart';

export type ExportRequest = RequestOf<'export:start'>;

export type ExportState =
  | { phase: 'form'; error: { code: string | null; message: string } | null }
  | { phase: 'starting' }
  | { phase: 'running'; jobId: string; done: number; total: number; cancelling: boolean }
  | { phase: 'finished'; report: ExportReport };

export interface ExportJob {
  state: ExportState;
  start(request: ExportRequest): Promise<void>;
  cancel(): Promise<void>;
  /** Back to the form (after a result), keeping nothing of the last job. */
  reset(): void;
}

type ExportDone = RendererEvents['export:done'];

/**
 * One export at a time from this dialog: the start, its progress and its outcome. A refused start
 * and a failed job both return to the form with the error, so the user can change it and retry.
 */
export function useExportJob(): ExportJob {
  const client = useClient();
  const [state, setState] = useState<ExportState>({ phase: 'form', error: null });
  const finish = useCallback(({ report, error }: ExportDone) => {
    setState(report ? { phase: 'finished', report } : { phase: 'form', error: { code: error?.code ?? null, message: error?.message ?? 'the export failed' } });
  }, []);
  // A small export can finish before `export:start` replies; useJobStart keeps that outcome.
  const { begin, cancel } = useJobStart('export:done', finish);

  useBackendEvent('export:progress', ({ jobId: id, done, total }) => {
    setState((s) => (s.phase === 'running' && s.jobId === id ? { ...s, done, total } : s));
  });

  return {
    state,
    start: useCallback(
      async (request) => {
        setState({ phase: 'starting' });
        try {
          const id = await begin(() => client.invoke('export:start', request));
          if (id) setState({ phase: 'running', jobId: id, done: 0, total: 0, cancelling: false });
        } catch (err) {
          setState({ phase: 'form', error: { code: err instanceof ApiError ? err.code : null, message: errorMessage(err) } });
        }
      },
      [client, begin],
    ),
    cancel: useCallback(
      () =>
        cancel(async (id) => {
          setState((s) => (s.phase === 'running' ? { ...s, cancelling: true } : s));
          await client.invoke('export:cancel', { jobId: id });
        }),
      [client, cancel],
    ),
    reset: useCallback(() => setState({ phase: 'form', error: null }), []),
  };
}
