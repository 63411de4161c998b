import { resolve } from 'node:path';
import type { AreaHandlers, ChannelContext } from '../channelContext';
import { toWireError } from '../wireError';
import { checkExportTarget, exportMasks } from './exportService';

/** The `export:*` channels: a mask export as a background job, its progress and its report as events. */
export function exportChannels(ctx: Pick<ChannelContext, 'project' | 'emit' | 'jobs'>): AreaHandlers<'export'> {
  return {
    'export:start': (options) => {
      const project = ctx.project();
      checkExportTarget(resolve(options.outDir), options.force); // a refused folder is an answer, not a failed job
      const jobId = ctx.jobs.start((signal, progress) => exportMasks(project, { ...options, signal, onProgress: (done, total) => progress(done, total, '') }), {
        progress: (id, done, total) => ctx.emit('export:progress', { jobId: id, done, total }),
        done: (id, report) => ctx.emit('export:done', { jobId: id, report, error: null }),
        failed: (id, err) => ctx.emit('export:done', { jobId: id, report: null, error: toWireError(err) }),
      });
      return { jobId };
    },
    'export:cancel': ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
  };
}
