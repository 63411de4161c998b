import { useMemo } from 'react';
import type { ClassDeleteImpact } from '../../shared/contract/rendererContract';
import type { LabelClass } from '../../shared/domain/classes';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';
import { useRefreshingQuery } from './useRefreshingQuery';

export interface ClassesState {
  classes: LabelClass[] | null;
  error: string | null;
  add(name: string, color: string): Promise<LabelClass>;
  update(id: number, change: { name?: string; color?: string }): Promise<LabelClass>;
  /** Moves a class one place up (-1) or down (+1) in display order. */
  move(id: number, delta: -1 | 1): Promise<void>;
  deleteImpact(id: number): Promise<ClassDeleteImpact>;
  remove(id: number): Promise<ClassDeleteImpact>;
}

export function useClasses(): ClassesState {
  const client = useClient();
  const query = useRefreshingQuery(() => client.invoke('classes:list', {}), [client]);
  // The event carries the whole (small) class set: set in place, nothing is reloaded.
  useBackendEvent('classes:changed', ({ classes }) => query.update(() => classes));
  const classes = useMemo(() => (query.data ? [...query.data].sort((a, b) => a.position - b.position) : null), [query.data]);

  return {
    classes,
    error: query.error,
    add: (name, color) => client.invoke('classes:add', { name, color }),
    update: (id, change) => client.invoke('classes:update', { id, ...change }),
    move: async (id, delta) => {
      if (!classes) return;
      const ids = classes.map((c) => c.id);
      const from = ids.indexOf(id);
      const to = from + delta;
      if (from < 0 || to < 0 || to >= ids.length) return;
      [ids[from], ids[to]] = [ids[to], ids[from]];
      await client.invoke('classes:reorder', { ids });
    },
    deleteImpact: (id) => client.invoke('classes:deleteImpact', { id }),
    remove: (id) => client.invoke('classes:delete', { id }),
  };
}
