import { useEffect, useState } from 'react';
import type { MlStatus } from '../../shared/contract/rendererContract';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

export function useMlStatus(): MlStatus | null {
  const client = useClient();
  const [status, setStatus] = useState<MlStatus | null>(null);
  useEffect(() => {
    client.invoke('ml:status', {}).then(setStatus, () => setStatus(null));
  }, [client]);
  useBackendEvent('ml:status', setStatus);
  return status;
}
