import type { AppInfo } from '../../shared/contract/rendererContract';
import type { ClassPreset } from '../../shared/domain/presets';
import type { AreaHandlers, ChannelContext } from './channelContext';
import type { Project } from './project';

/** Opening and closing a project is the backend's own business (Live, jobs and checks follow it): these do it. */
export interface ProjectLifecycle {
  current(): Project | null;
  create(path: string, preset: ClassPreset): Promise<Project>;
  open(path: string): Promise<Project>;
  close(): Promise<void>;
}

export interface ProjectChannelContext extends Pick<ChannelContext, 'project'> {
  app: Pick<AppInfo, 'version' | 'mode'>;
  lifecycle: ProjectLifecycle;
}

/** The `app:*` and `project:*` channels: what runs here, and which project is open. */
export function projectChannels(ctx: ProjectChannelContext): AreaHandlers<'app' | 'project'> {
  return {
    'app:info': () => ({ ...ctx.app, project: ctx.lifecycle.current()?.summary() ?? null }),
    'project:create': async ({ path, preset }) => (await ctx.lifecycle.create(path, preset)).summary(),
    'project:open': async ({ path }) => (await ctx.lifecycle.open(path)).summary(),
    'project:close': async () => {
      await ctx.lifecycle.close();
      return null;
    },
    'project:status': () => {
      const p = ctx.project();
      return { ...p.images.counts(), classes: p.classes.list().length };
    },
  };
}
