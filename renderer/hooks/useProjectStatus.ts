import type { ProjectStatus } from '../../shared/domain/images';
import { useBackendEvent } from './useBackendEvent';
import { useRefreshDuringImports } from './useRefreshDuringImports';
import { useClient } from './ClientContext';
import { useRefreshingQuery, type Query } from './useRefreshingQuery';

export function useProjectStatus(): Query<ProjectStatus> {
  const client = useClient();
  const query = useRefreshingQuery(() => client.invoke('project:status', {}), [client]);
  useBackendEvent('images:changed', query.refresh);
  useBackendEvent('classes:changed', query.refresh);
  useRefreshDuringImports(query.refresh);
  return query;
}
