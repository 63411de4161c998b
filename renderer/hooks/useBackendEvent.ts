import { useEffect, useRef } from 'react';
import type { EventName, RendererEvents } from '../../shared/contract/rendererContract';
import { useClient } from './ClientContext';

/** Calls `listener` for every `event` the backend pushes while the component is mounted. */
export function useBackendEvent<E extends EventName>(event: E, listener: (payload: RendererEvents[E]) => void): void {
  const client = useClient();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event]);
}
