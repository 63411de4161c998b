import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { AppError, type Result } from '../../shared/contract/errors';
import { rendererContract, type AppInfo, type Channel, type RendererEvents } from '../../shared/contract/rendererContract';
import { presetClassFile } from '../../shared/domain/presets';
import { BackgroundJobs } from './backgroundJobs';
import type { ChannelContext, ChannelHandlers } from './channelContext';
import { classChannels } from './classChannels';
import { imageChannels, verifyOnOpen } from './imageChannels';
import { exportChannels } from './interop/exportChannels';
import { labelChannels } from './labelChannels';
import { compactPending, compactProjectSoon } from './labelCompaction';
import { ExclusiveMlJobs } from './live/exclusiveMlJobs';
import { liveChannels, openLive } from './live/liveChannels';
import type { LiveOptions, LiveService } from './live/liveService';
import { mlChannels } from './mlChannels';
import type { MlSupervisor } from './mlSupervisor';
import { Project } from './project';
import { projectChannels, type ProjectLifecycle } from './projectChannels';
import { predictionChannels } from './review/predictionChannels';
import { runChannels } from './training/runChannels';
import { toWireError } from './wireError';

export interface BackendOptions {
  mode: AppInfo['mode'];
  version: string;
  ml?: MlSupervisor;
  /** Live training's round and checkpoint rhythm (tests make it quicker). */
  live?: LiveOptions;
}

/**
 * The transport-free backend: every renderer channel, validated at this edge and answered by its
 * area's channel module (which lives beside the area's service). This class only composes them and
 * owns what they share: the open project's lifecycle, the job queues, Live and the event stream.
 * Electron IPC and the browser-mode socket both call `invoke` and forward `events`.
 */
export class Backend {
  readonly events = new EventEmitter<{ [E in keyof RendererEvents]: [RendererEvents[E]] }>();
  private project: Project | null = null;
  private readonly jobs = new BackgroundJobs();
  /** runId → the job training it now (runs:list shows it); run ids are per project. */
  private readonly trainingJobs = new Map<number, string>();
  /** Live training of the open project (issue 12); null without an ML process or a project. */
  private live: LiveService | null = null;
  /** Jobs other than training that need the ML process to themselves (predictions): Live pauses for them. */
  private readonly mlJobs = new ExclusiveMlJobs(() => this.live);

  private readonly context: ChannelContext = {
    project: () => this.requireProject(),
    ml: () => this.requireMl(),
    live: () => this.live,
    emit: (event, payload) => this.events.emit(event as keyof RendererEvents, payload as never),
    jobs: this.jobs,
    mlJobs: this.mlJobs,
  };

  private readonly lifecycle: ProjectLifecycle = {
    current: () => this.project,
    create: async (path, preset) => {
      await this.stopLive();
      this.closeProject();
      this.project = Project.create(path, presetClassFile(preset));
      this.attachLive(this.project);
      return this.project;
    },
    open: async (path) => {
      await this.stopLive();
      return this.openProject(path);
    },
    close: async () => {
      await this.stopLive();
      this.closeProject();
    },
  };

  /** Every contract channel, each from its area's module: a channel no module answers is a type error here. */
  private readonly handlers: ChannelHandlers;

  constructor(private readonly options: BackendOptions) {
    options.ml?.on('status', (status) => this.events.emit('ml:status', status));
    this.handlers = {
      ...projectChannels({ project: this.context.project, app: { version: options.version, mode: options.mode }, lifecycle: this.lifecycle }),
      ...classChannels(this.context),
      ...imageChannels(this.context),
      ...labelChannels(this.context),
      ...exportChannels(this.context),
      ...runChannels({ ...this.context, trainingJobs: this.trainingJobs }),
      ...liveChannels(this.context),
      ...predictionChannels(this.context),
      ...mlChannels(options.ml),
    };
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
    const project = (this.project = Project.open(path));
    void verifyOnOpen(project, this.context, () => this.project === project);
    compactProjectSoon(project);
    this.attachLive(project);
    return project;
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

  /** Live for a project just opened (it starts at once where the user left it on); none without an ML process. */
  private attachLive(project: Project): void {
    if (this.options.ml) this.live = openLive(project, this.options.ml, this.context.emit, this.options.live);
  }

  /** Stops Live's job (its last checkpoint written) before the project it trains on closes. */
  private async stopLive(): Promise<void> {
    const live = this.live;
    this.live = null;
    await live?.dispose();
  }

  private requireProject(): Project {
    if (!this.project) throw new AppError('NO_PROJECT', 'no project is open: create or open one first');
    return this.project;
  }

  private requireMl(): MlSupervisor {
    if (!this.options.ml) throw new AppError('ML_PROCESS_DIED', 'no ML process in this mode');
    return this.options.ml;
  }
}
