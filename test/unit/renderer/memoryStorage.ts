import { afterEach, beforeEach, vi } from 'vitest';

/** Stands a Map in for `localStorage` in each test of the calling suite (the unit tests run in Node); returns the Map. */
export function useMemoryLocalStorage(): Map<string, string> {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    });
  });
  afterEach(() => vi.unstubAllGlobals());
  return store;
}
