import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../state/errorMessage';

export interface Query<T> {
  data: T | null;
  error: string | null;
  refresh(): void;
  /** Changes the data in place (a partial refresh); a newer full reply still replaces it. */
  update(change: (data: T | null) => T | null): void;
}

/**
 * Runs `load` now and whenever `refresh` is called or `deps` change; a burst of refreshes
 * within 60 ms is one request, and a reply older than the newest request is dropped.
 */
export function useRefreshingQuery<T>(load: () => Promise<T>, deps: readonly unknown[]): Query<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  const run = useCallback(() => {
    const mine = ++generation.current;
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
      },
      (e) => {
        if (mine === generation.current) setError(errorMessage(e));
      },
    );
  }, []);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(run, deps);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const refresh = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      run();
    }, 60);
  }, [run]);

  return { data, error, refresh, update: setData };
}
