import { AppError } from '../../../shared/contract/errors';
import { LIVE_OFF } from '../../../shared/domain/live';
import type { AreaHandlers, ChannelContext, EmitEvent } from '../channelContext';
import type { MlSupervisor } from '../mlSupervisor';
import type { Project } from '../project';
import { LiveService, type LiveOptions } from './liveService';

/** Live for a project just opened, its events forwarded to the renderers; it starts at once where the user left it on. */
export function openLive(project: Project, ml: MlSupervisor, emit: EmitEvent, options?: LiveOptions): LiveService {
  const live = new LiveService(project, ml, {
    status: (status) => emit('live:status', status),
    prediction: (prediction) => emit('live:prediction', prediction),
  }, options);
  if (live.enabled) live.start();
  return live;
}

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
