import { AppError } from '../../../shared/contract/errors';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import type { AreaHandlers, ChannelContext } from '../channelContext';
import type { Project } from '../project';
import { defaultPredictionRun, predictForReview, predictionItems, refreshAgreement } from '../training/predictionService';
import { resolveRun } from '../training/trainingService';
import { toWireError } from '../wireError';

/** A run given by the client (checked), or the default: the newest run with a checkpoint; null when there is none. */
function runOrDefault(project: Project, runId: number | undefined): number | null {
  if (runId !== undefined) return resolveRun(project, String(runId));
  try {
    return defaultPredictionRun(project);
  } catch {
    return null;
  }
}

/** The `predictions:*` channels: thin handlers over predictionService and the prediction repository. */
export function predictionChannels(ctx: Pick<ChannelContext, 'project' | 'ml' | 'emit' | 'mlJobs'>): AreaHandlers<'predictions'> {
  return {
    'predictions:start': ({ runId: requested, target }) => {
      const project = ctx.project();
      const runId = requested === undefined ? defaultPredictionRun(project) : resolveRun(project, String(requested));
      // The run and the target are checked now, so a wrong request is an answer, not a failed job.
      const items = predictionItems(project, target);
      const ml = ctx.ml();
      let jobId = '';
      jobId = ctx.mlJobs.start(
        (signal) =>
          predictForReview(project, ml, runId, items, {
            signal,
            onProgress: (done, total) => ctx.emit('predictions:progress', { jobId, runId, done, total }),
            // The event carries the new numbers: lists patch themselves, nothing else is reloaded.
            onSaved: (summary) => ctx.emit('predictions:saved', { jobId, summary }),
          }),
        {
          progress: () => {},
          done: (id, r) => ctx.emit('predictions:done', { jobId: id, runId, predicted: r.predicted, cancelled: r.cancelled, error: null }),
          failed: (id, err) => ctx.emit('predictions:done', { jobId: id, runId, predicted: 0, cancelled: false, error: toWireError(err) }),
        },
      );
      return { jobId, runId, images: items.length };
    },
    'predictions:cancel': ({ jobId }) => ({ cancelled: ctx.mlJobs.cancel(jobId) }),
    'predictions:get': ({ imageId, runId: requested }) => {
      const project = ctx.project();
      if (!project.images.byId(imageId)) throw new AppError('NOT_FOUND', `image ${imageId} does not exist`);
      const runId = requested ?? project.predictions.newestRunFor(imageId);
      if (runId === null) return null;
      refreshAgreement(project, runId, imageId);
      const stored = project.predictions.get(runId, imageId);
      if (!stored) return null;
      const { mask, confidence, ...summary } = stored;
      const { width, height } = decodeMaskPng(mask);
      return { summary, width, height, maskPng: mask, confidencePng: confidence };
    },
    'predictions:list': ({ runId: requested }) => {
      const project = ctx.project();
      const runId = runOrDefault(project, requested);
      if (runId === null) return { runId, predictions: [] };
      refreshAgreement(project, runId);
      return { runId, predictions: project.predictions.summaries(runId) };
    },
    'predictions:queue': ({ kind, by, runId: requested, limit }) => {
      const project = ctx.project();
      const runId = runOrDefault(project, requested);
      if (runId === null) return { runId, entries: [] };
      if (kind === 'disagreement') refreshAgreement(project, runId);
      return { runId, entries: project.predictions.queue(runId, kind, by, limit) };
    },
    'predictions:accepted': ({ imageId }) => {
      const project = ctx.project();
      if (!project.images.byId(imageId)) throw new AppError('NOT_FOUND', `image ${imageId} does not exist`);
      project.predictions.setNeedsReview(imageId, true);
      ctx.emit('images:changed', { reason: 'accepted', ids: [imageId] });
      return { updated: 1 };
    },
  };
}
