import { useCallback, useRef } from 'react';
import type { RendererEvents } from '../../shared/contract/rendererContract';
import { useBackendEvent } from './useBackendEvent';

type DoneEvent = 'export:done' | 'runs:done';

/**
 * Tracks the one background job a view started or follows. A short job can report its end before
 * the start request replies with its id; that outcome is kept until the reply names it, then
 * handed to `onDone` like any other.
 */
export function useJobStart<E extends DoneEvent>(doneEvent: E, onDone: (event: RendererEvents[E]) => void) {
  const jobId = useRef<string | null>(null);
  const starting = useRef(false);
  const early = useRef(new Map<string, RendererEvents[E]>());
  /** Every job this window has seen end: a list fetched just before the end must not bring one back. */
  const ended = useRef(new Set<string>());

  const finish = useCallback(
    (event: RendererEvents[E]) => {
      jobId.current = null;
      onDone(event);
    },
    [onDone],
  );

  useBackendEvent(doneEvent, (event) => {
    ended.current.add(event.jobId);
    if (event.jobId === jobId.current) finish(event);
    else if (starting.current) early.current.set(event.jobId, event);
  });

  /** Sends the start request; returns the running job's id, or null when it already finished. Start errors propagate. */
  const begin = useCallback(
    async (start: () => Promise<{ jobId: string }>): Promise<string | null> => {
      starting.current = true;
      early.current.clear();
      try {
        const { jobId: id } = await start();
        const done = early.current.get(id);
        if (done) {
          finish(done);
          return null;
        }
        jobId.current = id;
        return id;
      } finally {
        starting.current = false;
        early.current.clear();
      }
    },
    [finish],
  );

  /** Tracks a job started elsewhere (another window, or this one before a reload); false when it has ended or a job is tracked already. */
  const follow = useCallback((id: string): boolean => {
    if (jobId.current !== null || starting.current || ended.current.has(id)) return false;
    jobId.current = id;
    return true;
  }, []);

  /** Runs `send` with the running job's id; nothing when no job is running. */
  const cancel = useCallback(async (send: (id: string) => Promise<unknown>): Promise<void> => {
    const id = jobId.current;
    if (id) await send(id);
  }, []);

  return { begin, follow, cancel };
}
