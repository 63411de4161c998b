import { AppError } from '../../../shared/contract/errors';
import { LIVE_OFF } from '../../../shared/domain/live';
import type { AreaHandlers, ChannelContext } from '../channelContext';
import type { LiveService } from './liveService';

/** The `live:*` channels: thin handlers over the open project's LiveService (issue 12). */
export function liveChannels(ctx: Pick<ChannelContext, 'project' | 'live'>): AreaHandlers<'live'> {
  const live = (): LiveService => {
    ctx.project();
    const service = ctx.live();
    if (!service) throw new AppError('ML_PROCESS_DIED', 'no ML process in this mode');
    return service;
  };
  return {
    'live:start': ({ imageId }) => live().start(imageId ?? null),
    'live:stop': () => live().stop(),
    'live:status': () => ctx.live()?.status() ?? LIVE_OFF,
    'live:focus': ({ imageId }) => {
      live().setFocus(imageId);
      return null;
    },
  };
}
