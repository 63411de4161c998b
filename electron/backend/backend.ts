import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError, type Result, type WireError } from '../../shared/contract/errors';
import {
  rendererContract,
  type AppInfo,
  type Channel,
  type ParsedRequestOf,
  type RendererEvents,
  type ReplyOf,
} from '../../shared/contract/rendererContract';
import { presetClassFile } from '../../shared/domain/presets';
import { addClass, classDeleteImpact, deleteClass, reorderClasses, updateClass } from './classService';
import { verifyImageFiles } from './fileCheckService';
import { compactPending, compactProjectSoon } from './labelCompaction';
import { BackgroundJobs } from './backgroundJobs';
import { importImages, writeUploads, type ImportOptions } from './importService';
import { getLabels, imagePixels, saveLabels } from './labelService';
import { checkExportTarget, exportMasks } from './interop/exportService';
import { importPlan } from './interop/importPlan';
import type { MlSupervisor } from './mlSupervisor';
import { Project } from './project';
import { predictionChannels } from './review/predictionChannels';
import { autoSplit } from './splitService';
import { deleteRun, evaluateAndStore, runDeleteImpact, storedEvaluation, trainingData } from './training/runHistoryService';
import { runSummaries } from './training/runSummaries';
import { exportRunModel } from './interop/modelExportService';
import { train } from './training/trainingService';
import { LiveService, type LiveOptions } from './live/liveService';
import { ExclusiveMlJobs } from './live/exclusiveMlJobs';
import { LIVE_OFF } from '../../shared/domain/live';

export interface BackendOptions {
  mode: AppInfo['mode'];
  version: string;
  ml?: MlSupervisor;
  /** Live training's round and checkpoint rhythm (tests make it quicker). */
  live?: LiveOptions;
}

type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C> };

/**
 * The transport-free backend: every renderer channel, validated at this edge, answered from the
 * services. Electron IPC and the browser-mode socket both call `invoke` and forward `events`.
 */
export class Backend {
  readonly events = new EventEmitter<{ [E in keyof RendererEvents]: [RendererEvents[E]] }>();
  private project: Project | null = null;
  private readonly jobs = new BackgroundJobs();
  /** runId → the job training it now, so that any window (or a reloaded one) can follow and cancel it. */
  private readonly trainingJobs = new Map<number, string>();
  /** Live training of the open project (issue 12); null without an ML process or a project. */
  private live: LiveService | null = null;
  /** Jobs other than training that need the ML process to themselves (predictions): Live pauses for them. */
  private readonly mlJobs = new ExclusiveMlJobs(() => this.live);

  constructor(private readonly options: BackendOptions) {
    options.ml?.on('status', (status) => this.events.emit('ml:status', status));
  }

  /** Validates and answers one request; never throws (errors come back as `{code, message}`). */
  async invoke(channel: string, rawRequest: unknown): Promise<Result<unknown>> {
    if (!Object.hasOwn(rendererContract, channel)) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: `unknown channel "${channel}"` } };
    }
    const c = channel as Channel;
    const parsed = rendererContract[c].request.safeParse(rawRequest ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: z.prettifyError(parsed.error) } };
    }
    try {
      const handler = this.handlers[c] as (request: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  }

  openProject(path: string): Project {
    this.closeProject();
    this.project = Project.open(path);
    void this.verifyInBackground(this.project);
    compactProjectSoon(this.project);
    this.attachLive(this.project);
    return this.project;
  }

  closeProject(): void {
    // Callers that can wait stop Live first (stopLive); here the job is only told to stop.
    void this.live?.dispose();
    this.live = null;
    this.jobs.cancelAll();
    this.mlJobs.cancelAll();
    // Run ids are per project: the cancelled jobs must not be listed against the next project's runs.
    this.trainingJobs.clear();
    if (this.project) compactPending(this.project); // the last burst of saves, before the file closes
    this.project?.close();
    this.project = null;
  }

  async dispose(): Promise<void> {
    await this.stopLive();
    this.closeProject();
    await this.options.ml?.stop();
  }

  /** Live for a project just opened; it starts training at once where the user left it on. */
  private attachLive(project: Project): void {
    const ml = this.options.ml;
    if (!ml) return;
    this.live = new LiveService(project, ml, {
      status: (status) => this.events.emit('live:status', status),
      prediction: (prediction) => this.events.emit('live:prediction', prediction),
    }, this.options.live);
    if (this.live.enabled) this.live.start();
  }

  /** Stops Live's job (its last checkpoint written) before the project it trains on closes. */
  private async stopLive(): Promise<void> {
    const live = this.live;
    this.live = null;
    await live?.dispose();
  }

  private requireLive(): LiveService {
    this.requireProject();
    if (!this.live) throw new AppError('ML_PROCESS_DIED', 'no ML process in this mode');
    return this.live;
  }

  private requireProject(): Project {
    if (!this.project) throw new AppError('NO_PROJECT', 'no project is open: create or open one first');
    return this.project;
  }

  private requireMl(): MlSupervisor {
    if (!this.options.ml) throw new AppError('ML_PROCESS_DIED', 'no ML process in this mode');
    return this.options.ml;
  }

  private async verifyInBackground(project: Project): Promise<void> {
    try {
      const result = await verifyImageFiles(project);
      if (project === this.project && (result.missing || result.modified)) this.events.emit('images:changed', { reason: 'verify' });
    } catch {
      // The project was closed while checking; nothing to report.
    }
  }

  private readonly handlers: Handlers = {
    'app:info': () => ({ version: this.options.version, mode: this.options.mode, project: this.project?.summary() ?? null }),
    'project:create': async ({ path, preset }) => {
      await this.stopLive();
      this.closeProject();
      this.project = Project.create(path, presetClassFile(preset));
      this.attachLive(this.project);
      return this.project.summary();
    },
    'project:open': async ({ path }) => {
      await this.stopLive();
      return this.openProject(path).summary();
    },
    'project:close': async () => {
      await this.stopLive();
      this.closeProject();
      return null;
    },
    'project:status': () => {
      const p = this.requireProject();
      return { ...p.images.counts(), classes: p.classes.list().length };
    },

    'classes:list': () => this.requireProject().classes.list(),
    'classes:add': ({ name, color }) => this.changedClasses(addClass(this.requireProject(), name, color)),
    'classes:update': ({ id, ...change }) => this.changedClasses(updateClass(this.requireProject(), id, change)),
    'classes:reorder': ({ ids }) => this.changedClasses(reorderClasses(this.requireProject(), ids)),
    'classes:deleteImpact': ({ id }) => classDeleteImpact(this.requireProject(), id),
    'classes:delete': ({ id }) => {
      const impact = deleteClass(this.requireProject(), id);
      this.events.emit('images:changed', { reason: 'class-delete' });
      return this.changedClasses(impact);
    },

    'images:import': ({ paths, copyIntoProject, split, format, labels, unlabeledValue, unlabeledColor }) => {
      const project = this.requireProject();
      // The plan checks the paths and the format's layout now, so a wrong folder is an answer, not a failed job.
      const plan = importPlan(project, { format, images: paths, labels, unlabeledValue, unlabeledColor });
      return { jobId: this.startImport(project, { ...plan, copyIntoProject, split }) };
    },
    'images:upload': async ({ files, split }) => {
      const project = this.requireProject();
      // Dropped files have no path on this machine: keep their bytes in the project, then import those.
      const { paths, skipped } = await writeUploads(join(project.dir, 'images', 'uploads'), files);
      return { jobId: this.startImport(project, { paths, split, skipped, discardNotAdded: true }) };
    },
    'images:cancelImport': ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
    'images:list': (filter) => this.requireProject().images.list(filter),
    'images:thumbnail': ({ id }) => {
      const thumb = this.requireProject().images.thumbnail(id);
      if (!thumb) throw new AppError('NOT_FOUND', `image ${id} has no thumbnail`);
      return thumb;
    },
    'images:setSplit': ({ ids, split }) => this.changedImages({ updated: this.requireProject().images.setSplit(ids, split) }),
    'images:setDone': ({ ids, done }) => this.changedImages({ updated: this.requireProject().images.setDone(ids, done) }),
    'images:autoSplit': ({ seed, onlyUnassigned, labeledOnly, ...fractions }) =>
      this.changedImages(autoSplit(this.requireProject(), seed, fractions, onlyUnassigned, labeledOnly)),
    'images:verifyFiles': async () => this.changedImages(await verifyImageFiles(this.requireProject())),

    'images:pixels': ({ id }) => imagePixels(this.requireProject(), id),
    'labels:get': ({ imageId }) => getLabels(this.requireProject(), imageId),
    'labels:save': ({ imageId, baseVersion, png }) => {
      const saved = saveLabels(this.requireProject(), imageId, baseVersion, png);
      this.events.emit('images:changed', { reason: 'labels', ids: [imageId] });
      this.live?.imagesChanged();
      return saved;
    },

    'export:start': (options) => {
      const project = this.requireProject();
      checkExportTarget(resolve(options.outDir), options.force); // a refused folder is an answer, not a failed job
      const jobId = this.jobs.start((signal, progress) => exportMasks(project, { ...options, signal, onProgress: (done, total) => progress(done, total, '') }), {
        progress: (id, done, total) => this.events.emit('export:progress', { jobId: id, done, total }),
        done: (id, report) => this.events.emit('export:done', { jobId: id, report, error: null }),
        failed: (id, err) => this.events.emit('export:done', { jobId: id, report: null, error: toWireError(err) }),
      });
      return { jobId };
    },
    'export:cancel': ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),

    'runs:start': (settings) => {
      const project = this.requireProject();
      const ml = this.options.ml;
      if (!ml) throw new AppError('ML_PROCESS_DIED', 'no ML process in this mode');
      let runId: number | null = null;
      // A resumed run names itself before jobs.start returns the job's id.
      let jobId = '';
      const started = () => {
        if (runId !== null && jobId) this.trainingJobs.set(runId, jobId);
      };
      const ended = () => {
        if (runId !== null && this.trainingJobs.get(runId) === jobId) this.trainingJobs.delete(runId);
      };
      // An explicit run has the ML process to itself: Live pauses for it and resumes after it.
      const live = this.live;
      const takeover = <T>(work: () => Promise<T>) => (live ? live.takeover(work) : work());
      jobId = this.jobs.start(
        (signal) =>
          takeover(() => train(project, ml, settings, (event) => {
            if (event.type === 'run') {
              runId = event.runId;
              started();
            }
            if (event.type === 'progress') {
              // The ML process's own job id and its tensor count stay behind; the rest is the shared TrainProgress.
              const { type: _type, jobId: _mlJob, numTensors: _tensors, ...progress } = event;
              this.events.emit('runs:progress', { ...progress, jobId, runId });
            }
            if (event.type === 'download') this.events.emit('runs:download', { jobId, bytes: event.bytes, total: event.total });
            if (event.type === 'epoch') {
              this.events.emit('runs:epoch', { jobId, epoch: event.epoch, trainLoss: event.trainLoss, valLoss: event.val?.meanLoss ?? null, meanIoU: event.val?.metrics.meanIoU ?? null, pixelAccuracy: event.val?.metrics.pixelAccuracy ?? null, seconds: event.seconds });
            }
          }, signal)),
        {
          progress: () => {},
          done: (id, outcome) => {
            ended();
            this.events.emit('runs:done', { jobId: id, runId: outcome.runId, stoppedBy: outcome.stoppedBy, error: null });
          },
          failed: (id, err) => {
            ended();
            // Cancelled before the run existed (during the weights download): a cancel, not an error.
            if ((err as AppError).code === 'CANCELLED') this.events.emit('runs:done', { jobId: id, runId, stoppedBy: 'cancel', error: null });
            else this.events.emit('runs:done', { jobId: id, runId, stoppedBy: null, error: toWireError(err) });
          },
        },
      );
      started();
      return { jobId };
    },
    'runs:cancel': ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
    'runs:list': () => runSummaries(this.requireProject(), this.trainingJobs),
    // Run history (the "runs" block): handlers are thin, the work is in runHistoryService.
    'runs:evaluate': async ({ runId, split }) => {
      const evaluation = await evaluateAndStore(this.requireProject(), this.requireMl(), runId, split);
      this.events.emit('runs:changed', { runId, reason: 'evaluated' });
      return evaluation;
    },
    'runs:evaluation': ({ runId, split }) => storedEvaluation(this.requireProject(), runId, split),
    'runs:deleteImpact': ({ runId }) => runDeleteImpact(this.requireProject(), runId),
    'runs:delete': ({ runId }) => {
      const impact = deleteRun(this.requireProject(), runId);
      this.events.emit('runs:changed', { runId, reason: 'deleted' });
      return impact;
    },
    'runs:trainingData': () => trainingData(this.requireProject()),
    'runs:exportModel': async ({ runId, outDir, force }) => {
      const { outDir: written, epoch, files } = await exportRunModel(this.requireProject(), this.requireMl(), String(runId), resolve(outDir), force);
      return { outDir: written, epoch, files };
    },

    // --- live training (issue 12) ---
    'live:start': ({ imageId }) => this.requireLive().start(imageId ?? null),
    'live:stop': () => this.requireLive().stop(),
    'live:status': () => this.live?.status() ?? LIVE_OFF,
    'live:focus': ({ imageId }) => {
      this.requireLive().setFocus(imageId);
      return null;
    },
    ...predictionChannels({
      project: () => this.requireProject(),
      ml: () => this.requireMl(),
      jobs: this.mlJobs,
      emit: (event, payload) => this.events.emit(event as keyof RendererEvents, payload as never),
      toWireError,
    }),

    'ml:status': () => this.options.ml?.status() ?? { state: 'stopped', pid: null, restarts: 0, lastError: 'no ML process in this mode' },
    'ml:ping': async () => {
      if (!this.options.ml) throw new AppError('ML_PROCESS_DIED', 'no ML process in this mode');
      const t0 = performance.now();
      const { pid } = await this.options.ml.request('ping', {});
      return { roundTripMs: performance.now() - t0, pid };
    },
  };

  private startImport(project: Project, options: Omit<ImportOptions, 'signal' | 'onProgress'>): string {
    return this.jobs.start((signal, onProgress) => importImages(project, { ...options, signal, onProgress }), {
      progress: (jobId, done, total, current) => this.events.emit('images:importProgress', { jobId, done, total, current }),
      done: (jobId, report) => {
        this.events.emit('images:importDone', { jobId, report });
        this.events.emit('images:changed', { reason: 'import' });
      },
      failed: (jobId, err) => {
        const message = toWireError(err).message;
        this.events.emit('images:importDone', {
          jobId,
          report: { added: 0, labelsAdded: 0, skipped: [{ path: '', reason: 'unreadable', message }], cancelled: false, seconds: 0 },
        });
        // Files imported before the failure are in the project: the grid must show them.
        this.events.emit('images:changed', { reason: 'import' });
      },
    });
  }

  private changedClasses<T>(value: T): T {
    this.events.emit('classes:changed', {});
    void this.live?.classesChanged();
    return value;
  }

  private changedImages<T>(value: T): T {
    this.events.emit('images:changed', { reason: 'update' });
    this.live?.imagesChanged();
    return value;
  }
}

function toWireError(err: unknown): WireError {
  if (err instanceof AppError) return err.toWire();
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return { code: 'DISK_FULL', message: 'the disk is full: nothing was saved' };
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return { code: 'IO_ERROR', message: `permission denied: ${e.path ?? e.message}` };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE') return { code: 'CONFLICT', message: e.message };
  if (e?.code === 'SQLITE_FULL') return { code: 'DISK_FULL', message: 'the disk is full: nothing was saved' };
  if (e?.code?.startsWith('SQLITE_BUSY') || e?.code?.startsWith('SQLITE_LOCKED')) {
    return { code: 'BUSY', message: 'another FCN Studio process kept the project busy: nothing was saved; try again (the editor retries its saves by itself)' };
  }
  if (e?.code?.startsWith('SQLITE_READONLY')) return { code: 'IO_ERROR', message: 'the project database is read-only: nothing was saved' };
  return { code: 'INTERNAL', message: e?.message ?? String(err) };
}
