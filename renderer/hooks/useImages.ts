import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { RendererEvents, RequestOf } from '../../shared/contract/rendererContract';
import type { FileState, ImageRow, ImageSortKey, ImageStatus, Split } from '../../shared/domain/images';
import { useBackendEvent } from './useBackendEvent';
import { useRefreshDuringImports } from './useRefreshDuringImports';
import { useClient } from './ClientContext';
import { useRefreshingQuery, type Query } from './useRefreshingQuery';

export interface ImageQuery {
  status: ImageStatus | '';
  split: Split | '';
  fileState: FileState | '';
  search: string;
  sort: ImageSortKey;
  descending: boolean;
}

export const ALL_IMAGES: ImageQuery = { status: '', split: '', fileState: '', search: '', sort: 'name', descending: false };

/**
 * The rows of `current` with those of `ids` replaced by `fresh` (the same filter, only those ids),
 * or null when an image newly matches the filter (its place is unknown: reload the list).
 */
export function patchRows(current: ImageRow[], ids: number[], fresh: ImageRow[]): ImageRow[] | null {
  const changed = new Set(ids);
  const byId = new Map(fresh.map((r) => [r.id, r]));
  const present = new Set(current.map((r) => r.id));
  if (fresh.some((r) => !present.has(r.id))) return null;
  return current.flatMap((r) => (!changed.has(r.id) ? [r] : byId.has(r.id) ? [byId.get(r.id)!] : []));
}

/**
 * The images matching `query`, filtered and sorted by the backend, kept current as images or
 * classes change. At 10,000 images a list is ~3 MB and ~100 ms, too much to repeat behind every
 * brush stroke, so:
 * - a change to some images' labels (each autosave) refreshes only their rows, where the order does
 *   not depend on labels (no status filter, not sorted by status or labeled %);
 * - while `paused` (the grid hidden behind the editor) changes only mark the list stale, and it
 *   reloads once when shown again.
 */
export function useImages(query: ImageQuery, { paused = false }: { paused?: boolean } = {}): Query<ImageRow[]> {
  const client = useClient();
  const filter = useMemo<RequestOf<'images:list'>>(
    () => ({
      status: query.status || undefined,
      split: query.split || undefined,
      fileState: query.fileState || undefined,
      search: query.search.trim() || undefined,
      sort: query.sort,
      descending: query.descending,
    }),
    [query.status, query.split, query.fileState, query.search, query.sort, query.descending],
  );
  const result = useRefreshingQuery(() => client.invoke('images:list', filter), [client, filter]);
  const { refresh, update } = result;
  const stale = useRef(false);
  const pausedRef = useRef(paused);
  const filterRef = useRef(filter);
  const rowsRef = useRef(result.data);
  useEffect(() => {
    filterRef.current = filter;
    rowsRef.current = result.data;
  }, [filter, result.data]);
  useEffect(() => {
    pausedRef.current = paused;
    if (!paused && stale.current) {
      stale.current = false;
      refresh();
    }
  }, [paused, refresh]);
  const refreshUnlessPaused = useCallback(() => {
    if (pausedRef.current) stale.current = true;
    else refresh();
  }, [refresh]);
  const onImagesChanged = useCallback(
    ({ ids }: RendererEvents['images:changed']) => {
      const current = filterRef.current;
      const orderIgnoresLabels = !current.status && current.sort !== 'labeled' && current.sort !== 'status';
      if (pausedRef.current || !ids || !orderIgnoresLabels) return refreshUnlessPaused();
      client.invoke('images:list', { ...current, ids }).then(
        (fresh) => {
          const rows = rowsRef.current;
          if (filterRef.current !== current || !rows) return;
          const patched = patchRows(rows, ids, fresh);
          if (patched) update(() => patched);
          else refresh();
        },
        () => refresh(),
      );
    },
    [client, refresh, refreshUnlessPaused, update],
  );
  useBackendEvent('images:changed', onImagesChanged);
  useBackendEvent('classes:changed', refreshUnlessPaused);
  useRefreshDuringImports(refreshUnlessPaused);
  return result;
}
