import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { AppError } from '../../shared/contract/errors';
import {
  isReply,
  type MlEventMessage,
  type MlJobEvent,
  type MlJobType,
  type MlMessage,
  type MlRequests,
  type MlRequestType,
} from '../../shared/contract/mlContract';
import type { MlStatus } from '../../shared/contract/rendererContract';

export interface MlSupervisorOptions {
  /** The worker's entry file. */
  entry: string;
  /** Node flags for the worker (e.g. the TypeScript loader when running from source). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** How long a cancelled job may take to stop before its ML process is killed. */
export const CANCEL_DEADLINE_MS = 1_000;
/** How long a freshly spawned ML process may take to answer its first ping (TF.js, the wasm kernels and tsx load first). */
const STARTUP_TIMEOUT_MS = 60_000;

export interface JobOptions<T extends MlJobType> {
  /** Each event of this job, in order (a `saving` event is the supervisor's, never passed on). */
  onEvent?(event: MlJobEvent<T>): void;
  /** Aborting it cancels the job: a cancel message, then the kill once the deadline has passed. */
  signal?: AbortSignal;
  cancelDeadlineMs?: number;
}

interface Pending {
  type: MlRequestType;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Starts the ML process, health-checks it, and restarts it when it dies. Requests in flight when
 * it dies fail with ML_PROCESS_DIED (a job is marked failed, never lost silently).
 */
export class MlSupervisor extends EventEmitter<{ status: [MlStatus]; event: [MlEventMessage] }> {
  private child: ChildProcess | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** Jobs in flight: a slow health check means busy, not hung, while one runs. */
  private state: MlStatus = { state: 'stopped', pid: null, restarts: 0, lastError: null };
  private stopping = false;
  private healthTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private backoffMs = 250;

  constructor(private readonly options: MlSupervisorOptions) {
    super();
  }

  status(): MlStatus {
    return { ...this.state };
  }

  start(): void {
    this.stopping = false;
    this.spawn('starting');
    const interval = this.options.healthIntervalMs ?? 10_000;
    this.healthTimer = setInterval(() => void this.healthCheck(), interval);
    this.healthTimer.unref();
  }

  request<T extends MlRequestType>(type: T, payload: MlRequests[T]['request'], timeoutMs = this.options.requestTimeoutMs ?? 30_000): Promise<MlRequests[T]['reply']> {
    const child = this.child;
    if (!child || !child.connected) return Promise.reject(new AppError('ML_PROCESS_DIED', 'the ML process is not running (it is being restarted)'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new AppError('ML_TIMEOUT', `the ML process did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, { type, resolve: resolve as (v: unknown) => void, reject, timer });
      child.send({ seq, type, payload });
    });
  }

  /**
   * Runs one job in the ML process, the same way for every job type: its events (matched by
   * jobId) go to `onEvent`; aborting `signal` sends a cancel and, if the job has not ended within
   * the deadline, kills the process (never while it reports checkpoints being written). Resolves
   * with the job's one result; a job killed after its cancel rejects with CANCELLED.
   */
  async runJob<T extends MlJobType>(type: T, request: MlRequests[T]['request'], options: JobOptions<T> = {}): Promise<MlRequests[T]['reply']> {
    const { jobId } = request as { jobId: string };
    const { signal, onEvent } = options;
    if (signal?.aborted) throw new AppError('CANCELLED', `${type} job ${jobId} was cancelled before it started`);
    let saving = false;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    const listener = (event: MlEventMessage) => {
      if (!('jobId' in event) || event.jobId !== jobId) return;
      if (event.type === 'saving') saving = event.active;
      else onEvent?.(event as MlJobEvent<T>);
    };
    const killUnlessSaving = () => {
      if (saving) {
        killTimer = setTimeout(killUnlessSaving, 100);
        return;
      }
      killed = true;
      this.restart(`${type} job ${jobId} did not stop within ${options.cancelDeadlineMs ?? CANCEL_DEADLINE_MS} ms of its cancel`);
    };
    const cancel = () => {
      void this.request('cancel', { jobId }).catch(() => {});
      killTimer = setTimeout(killUnlessSaving, options.cancelDeadlineMs ?? CANCEL_DEADLINE_MS);
    };
    this.on('event', listener);
    signal?.addEventListener('abort', cancel);
    try {
      // A job may take days; the ML process's death, not a timer, ends a stuck one.
      return await this.request(type, request, 2 ** 31 - 1);
    } catch (err) {
      if (killed) throw new AppError('CANCELLED', `${type} job ${jobId} was cancelled (its ML process was restarted to stop it)`);
      throw err;
    } finally {
      clearTimeout(killTimer);
      this.off('event', listener);
      signal?.removeEventListener('abort', cancel);
    }
  }

  /**
   * Kills the ML process now and starts a fresh one at once (a job that will not stop in time).
   * Requests in flight fail with ML_PROCESS_DIED; the next ones wait for the new process.
   */
  restart(reason: string): void {
    const child = this.child;
    if (!child || this.stopping) return; // already dead: onExit restarts it
    this.child = null;
    this.failPending(`the ML process was restarted (${reason}) while working on this request`);
    child.kill('SIGKILL');
    this.setStatus({ lastError: `ML process restarted: ${reason}` });
    this.spawn('restarting');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.request('shutdown', {}, 2_000).catch(() => child.kill('SIGKILL'));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(deadline);
  }

  private spawn(state: MlStatus['state']): void {
    const child = fork(this.options.entry, [], {
      execArgv: this.options.execArgv ?? [],
      env: this.options.env ?? process.env,
      serialization: 'advanced',
      // The ML process's own prints (TF.js banners, Dawn warnings) go to stderr: stdout carries --json output.
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    this.child = child;
    this.setStatus({ state, pid: child.pid ?? null });
    child.on('message', (message: MlMessage) => this.onMessage(message));
    child.once('spawn', () => void this.healthCheck());
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (err) => this.setStatus({ lastError: err.message }));
  }

  private onMessage(message: MlMessage): void {
    if (!isReply(message)) {
      this.emit('event', message);
      return;
    }
    const pending = this.pending.get(message.seq);
    if (!pending) return;
    this.pending.delete(message.seq);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new AppError(message.error.code as never, message.error.message));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
    this.failPending(`the ML process ${why} while working on this request`);
    if (this.stopping) {
      this.setStatus({ state: 'stopped', pid: null });
      return;
    }
    this.setStatus({ state: 'restarting', pid: null, restarts: this.state.restarts + 1, lastError: `ML process ${why}` });
    this.restartTimer = setTimeout(() => this.spawn('restarting'), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, 5_000);
  }

  private failPending(message: string): void {
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new AppError('ML_PROCESS_DIED', message));
      this.pending.delete(seq);
    }
  }

  private async healthCheck(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // A training step runs synchronously in the worker for seconds (minutes for big nets on a CPU):
    // while a job is in flight, a slow ping means busy, not hung; only a dead process is restarted then.
    // The same holds for any other request in flight (a weights check, a model export; a job is one
    // too): each has its own timeout, and the worker answers pings only between its synchronous stretches.
    const busy = () => [...this.pending.values()].some((p) => p.type !== 'ping');
    try {
      // A process still starting (loading TF.js and its kernels, slow on a loaded machine) has not hung either.
      const timeoutMs = busy() ? 30 * 60_000 : this.state.state === 'starting' ? STARTUP_TIMEOUT_MS : (this.options.healthTimeoutMs ?? 5_000);
      await this.request('ping', {}, timeoutMs);
      this.backoffMs = 250;
      if (this.state.state !== 'ready') this.setStatus({ state: 'ready' });
    } catch (err) {
      // A hung process is as good as dead: kill it and let onExit restart it. Not while work sent
      // after the ping is in flight: the ping sat behind that work, which proves nothing about a hang.
      if (err instanceof AppError && err.code === 'ML_TIMEOUT' && child === this.child && !busy()) child.kill('SIGKILL');
    }
  }

  private setStatus(change: Partial<MlStatus>): void {
    this.state = { ...this.state, ...change };
    this.emit('status', this.status());
  }
}
