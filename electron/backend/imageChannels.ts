import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import type { AreaHandlers, ChannelContext } from './channelContext';
import { verifyImageFiles } from './fileCheckService';
import { importImages, writeUploads, type ImportOptions } from './importService';
import { importPlan } from './interop/importPlan';
import { imagePixels } from './labelService';
import type { Project } from './project';
import { autoSplit } from './splitService';
import { toWireError } from './wireError';

type ImageContext = Pick<ChannelContext, 'project' | 'emit' | 'live' | 'jobs'>;

/** The `images:*` channels: import jobs, the grid's rows and thumbnails, splits and the done flag. */
export function imageChannels(ctx: ImageContext): AreaHandlers<'images'> {
  const changed = <T>(value: T): T => {
    ctx.emit('images:changed', { reason: 'update' });
    ctx.live()?.imagesChanged();
    return value;
  };
  return {
    'images:import': ({ paths, copyIntoProject, split, format, labels, unlabeledValue, unlabeledColor }) => {
      const project = ctx.project();
      // The plan checks the paths and the format's layout now, so a wrong folder is an answer, not a failed job.
      const plan = importPlan(project, { format, images: paths, labels, unlabeledValue, unlabeledColor });
      return { jobId: startImport(ctx, project, { ...plan, copyIntoProject, split }) };
    },
    'images:upload': async ({ files, split }) => {
      const project = ctx.project();
      // Dropped files have no path on this machine: keep their bytes in the project, then import those.
      const { paths, skipped } = await writeUploads(join(project.dir, 'images', 'uploads'), files);
      return { jobId: startImport(ctx, project, { paths, split, skipped, discardNotAdded: true }) };
    },
    'images:cancelImport': ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
    'images:list': (filter) => ctx.project().images.list(filter),
    'images:thumbnail': ({ id }) => {
      const thumb = ctx.project().images.thumbnail(id);
      if (!thumb) throw new AppError('NOT_FOUND', `image ${id} has no thumbnail`);
      return thumb;
    },
    'images:setSplit': ({ ids, split }) => changed({ updated: ctx.project().images.setSplit(ids, split) }),
    'images:setDone': ({ ids, done }) => changed({ updated: ctx.project().images.setDone(ids, done) }),
    'images:autoSplit': ({ seed, onlyUnassigned, labeledOnly, ...fractions }) =>
      changed(autoSplit(ctx.project(), seed, fractions, onlyUnassigned, labeledOnly)),
    'images:verifyFiles': async () => changed(await verifyImageFiles(ctx.project())),
    'images:pixels': ({ id }) => imagePixels(ctx.project(), id),
  };
}

/**
 * Checks the image files of a project just opened, in the background; the grid hears of a missing
 * or modified one (unless the project was closed meanwhile).
 */
export async function verifyOnOpen(project: Project, ctx: Pick<ChannelContext, 'emit'>, stillOpen: () => boolean): Promise<void> {
  try {
    const result = await verifyImageFiles(project);
    if (stillOpen() && (result.missing || result.modified)) ctx.emit('images:changed', { reason: 'verify' });
  } catch {
    // The project was closed while checking; nothing to report.
  }
}

function startImport(ctx: ImageContext, project: Project, options: Omit<ImportOptions, 'signal' | 'onProgress'>): string {
  return ctx.jobs.start((signal, onProgress) => importImages(project, { ...options, signal, onProgress }), {
    progress: (jobId, done, total, current) => ctx.emit('images:importProgress', { jobId, done, total, current }),
    done: (jobId, report) => {
      ctx.emit('images:importDone', { jobId, report });
      ctx.emit('images:changed', { reason: 'import' });
    },
    failed: (jobId, err) => {
      const message = toWireError(err).message;
      ctx.emit('images:importDone', {
        jobId,
        report: { added: 0, labelsAdded: 0, skipped: [{ path: '', reason: 'unreadable', message }], cancelled: false, seconds: 0 },
      });
      // Files imported before the failure are in the project: the grid must show them.
      ctx.emit('images:changed', { reason: 'import' });
    },
  });
}
