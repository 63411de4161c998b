import { useRef } from 'react';
import { useBackendEvent } from './useBackendEvent';

const DURING_IMPORT_MS = 1500;

/**
 * Calls `refresh` every so often while an import runs (so new images show up as they arrive)
 * and once when it ends, whether it finished or was cancelled.
 */
export function useRefreshDuringImports(refresh: () => void): void {
  const last = useRef(0);
  useBackendEvent('images:importProgress', () => {
    const now = Date.now();
    if (now - last.current < DURING_IMPORT_MS) return;
    last.current = now;
    refresh();
  });
  useBackendEvent('images:importDone', refresh);
}
