import type { AreaHandlers, ChannelContext } from './channelContext';
import { getLabels, saveLabels } from './labelService';

/** The `labels:*` channels: an image's mask, and its saves (each announced and handed to Live). */
export function labelChannels(ctx: Pick<ChannelContext, 'project' | 'emit' | 'live'>): AreaHandlers<'labels'> {
  return {
    'labels:get': ({ imageId }) => getLabels(ctx.project(), imageId),
    'labels:save': ({ imageId, baseVersion, png }) => {
      const saved = saveLabels(ctx.project(), imageId, baseVersion, png);
      ctx.emit('images:changed', { reason: 'labels', ids: [imageId] });
      ctx.live()?.imagesChanged();
      return saved;
    },
  };
}
