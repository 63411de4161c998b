import { resolve } from 'node:path';
import type { AppError } from '../../../shared/contract/errors';
import type { ParsedRequestOf, RunSummary } from '../../../shared/contract/rendererContract';
import type { AreaHandlers, ChannelContext } from '../channelContext';
import { exportRunModel } from '../interop/modelExportService';
import type { Project } from '../project';
import { toWireError } from '../wireError';
import { deleteRun, evaluateAndStore, runDeleteImpact, storedEvaluation, trainingData } from './runHistoryService';
import { runSummaries, runSummary } from './runSummaries';
import { train } from './trainingService';

export interface RunChannelContext extends Pick<ChannelContext, 'project' | 'ml' | 'live' | 'emit' | 'jobs'> {
  /** runId → the job training it now, so that any window (or a reloaded one) can follow and cancel it. */
  trainingJobs: Map<number, string>;
}

/** The `runs:*` channels: training as a background job, and run history (the work is in the training services). */
export function runChannels(ctx: RunChannelContext): AreaHandlers<'runs'> {
  return {
    'runs:start': (settings) => startTraining(ctx, settings),
    'runs:cancel': ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
    'runs:list': () => runSummaries(ctx.project(), ctx.trainingJobs),
    'runs:evaluate': async ({ runId, split }) => {
      const project = ctx.project();
      const evaluation = await evaluateAndStore(project, ctx.ml(), runId, split);
      ctx.emit('runs:changed', { runId, reason: 'evaluated', run: rowOf(ctx, project, runId) });
      return evaluation;
    },
    'runs:evaluation': ({ runId, split }) => storedEvaluation(ctx.project(), runId, split),
    'runs:deleteImpact': ({ runId }) => runDeleteImpact(ctx.project(), runId),
    'runs:delete': ({ runId }) => {
      const impact = deleteRun(ctx.project(), runId);
      ctx.emit('runs:changed', { runId, reason: 'deleted', run: null });
      return impact;
    },
    'runs:trainingData': () => trainingData(ctx.project()),
    'runs:exportModel': async ({ runId, outDir, force }) => {
      const { outDir: written, epoch, files } = await exportRunModel(ctx.project(), ctx.ml(), String(runId), resolve(outDir), force);
      return { outDir: written, epoch, files };
    },
  };
}

/** The run's row for an event (lists patch it in place); none once the project has closed under the work. */
function rowOf(ctx: RunChannelContext, project: Project, runId: number): RunSummary | null {
  return project.db.open ? runSummary(project, runId, ctx.trainingJobs) : null;
}

function startTraining(ctx: RunChannelContext, settings: ParsedRequestOf<'runs:start'>): { jobId: string } {
  const project = ctx.project();
  const ml = ctx.ml();
  let runId: number | null = null;
  // A resumed run names itself before jobs.start returns the job's id.
  let jobId = '';
  const started = () => {
    if (runId !== null && jobId) ctx.trainingJobs.set(runId, jobId);
  };
  const ended = () => {
    if (runId !== null && ctx.trainingJobs.get(runId) === jobId) ctx.trainingJobs.delete(runId);
  };
  const row = (id: number | null) => (id === null ? null : rowOf(ctx, project, id));
  // An explicit run has the ML process to itself: Live pauses for it and resumes after it.
  const live = ctx.live();
  const takeover = <T>(work: () => Promise<T>) => (live ? live.takeover(work) : work());
  jobId = ctx.jobs.start(
    (signal) =>
      takeover(() =>
        train(project, ml, settings, (event) => {
          if (event.type === 'run') {
            runId = event.runId;
            started();
          }
          if (event.type === 'progress') {
            // The ML process's own job id and its tensor count stay behind; the rest is the shared TrainProgress.
            const { type: _type, jobId: _mlJob, numTensors: _tensors, ...progress } = event;
            ctx.emit('runs:progress', { ...progress, jobId, runId });
          }
          if (event.type === 'download') ctx.emit('runs:download', { jobId, bytes: event.bytes, total: event.total });
          if (event.type === 'epoch') {
            const { epoch, trainLoss, val, seconds } = event;
            const metrics = { valLoss: val?.meanLoss ?? null, meanIoU: val?.metrics.meanIoU ?? null, pixelAccuracy: val?.metrics.pixelAccuracy ?? null };
            ctx.emit('runs:epoch', { jobId, epoch, trainLoss, ...metrics, seconds, run: row(runId) });
          }
        }, signal),
      ),
    {
      progress: () => {},
      done: (id, outcome) => {
        ended();
        ctx.emit('runs:done', { jobId: id, runId: outcome.runId, stoppedBy: outcome.stoppedBy, error: null, run: row(outcome.runId) });
      },
      failed: (id, err) => {
        ended();
        // Cancelled before the run existed (during the weights download): a cancel, not an error.
        if ((err as AppError).code === 'CANCELLED') ctx.emit('runs:done', { jobId: id, runId, stoppedBy: 'cancel', error: null, run: row(runId) });
        else ctx.emit('runs:done', { jobId: id, runId, stoppedBy: null, error: toWireError(err), run: row(runId) });
      },
    },
  );
  started();
  return { jobId };
}
