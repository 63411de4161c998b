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

/** The images matching `query`, filtered and sorted by the backend, reloaded when images or classes change. */
export function useImages(query: ImageQuery): Query<ImageRow[]> {
  const client = useClient();
  const result = useRefreshingQuery(
    () =>
      client.invoke('images:list', {
        status: query.status || undefined,
        split: query.split || undefined,
        fileState: query.fileState || undefined,
        search: query.search.trim() || undefined,
        sort: query.sort,
        descending: query.descending,
      }),
    [client, query.status, query.split, query.fileState, query.search, query.sort, query.descending],
  );
  useBackendEvent('images:changed', result.refresh);
  useBackendEvent('classes:changed', result.refresh);
  useRefreshDuringImports(result.refresh);
  return result;
}
