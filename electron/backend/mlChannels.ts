import { AppError } from '../../shared/contract/errors';
import type { AreaHandlers } from './channelContext';
import type { MlSupervisor } from './mlSupervisor';

/** The `ml:*` channels: the ML process's state and a round trip to it; `ml` is absent in a mode without one. */
export function mlChannels(ml: MlSupervisor | undefined): AreaHandlers<'ml'> {
  return {
    'ml:status': () => ml?.status() ?? { state: 'stopped', pid: null, restarts: 0, lastError: 'no ML process in this mode' },
    'ml:ping': async () => {
      if (!ml) throw new AppError('ML_PROCESS_DIED', 'no ML process in this mode');
      const t0 = performance.now();
      const { pid } = await ml.request('ping', {});
      return { roundTripMs: performance.now() - t0, pid };
    },
  };
}
