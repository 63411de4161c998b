import type { AreaHandlers, ChannelContext } from './channelContext';
import { addClass, classDeleteImpact, deleteClass, reorderClasses, updateClass } from './classService';

/** The `classes:*` channels: thin handlers over classService; every change is announced and handed to Live. */
export function classChannels(ctx: Pick<ChannelContext, 'project' | 'emit' | 'live'>): AreaHandlers<'classes'> {
  const changed = <T>(value: T): T => {
    ctx.emit('classes:changed', { classes: ctx.project().classes.list() });
    void ctx.live()?.classesChanged();
    return value;
  };
  return {
    'classes:list': () => ctx.project().classes.list(),
    'classes:add': ({ name, color }) => changed(addClass(ctx.project(), name, color)),
    'classes:update': ({ id, ...change }) => changed(updateClass(ctx.project(), id, change)),
    'classes:reorder': ({ ids }) => changed(reorderClasses(ctx.project(), ids)),
    'classes:deleteImpact': ({ id }) => classDeleteImpact(ctx.project(), id),
    'classes:delete': ({ id }) => {
      const impact = deleteClass(ctx.project(), id);
      ctx.emit('images:changed', { reason: 'class-delete' });
      return changed(impact);
    },
  };
}
