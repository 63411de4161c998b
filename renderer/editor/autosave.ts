export type SaveState = 'saved' | 'pending' | 'saving' | 'error' | 'conflict';

export interface SaveStatus {
  state: SaveState;
  /** The mask version the editor's pixels build on (the last one loaded or saved). */
  version: number;
  /** The backend's message for 'error' and 'conflict'. */
  message: string | null;
  /** Failed attempts in a row (retries continue in the background). */
  attempts: number;
}

export interface AutosaveOptions {
  /** Saves the current mask on top of `baseVersion`; resolves with the new version. */
  save(baseVersion: number): Promise<{ version: number }>;
  /** Whether a rejection is a version conflict (another window saved first). */
  isConflict(error: unknown): boolean;
  errorMessage(error: unknown): string;
  version: number;
  debounceMs?: number;
  /** Delays before retries of a failed save; the last one repeats. */
  retryDelaysMs?: number[];
  onChange?(status: SaveStatus): void;
}

/**
 * Saves the mask after each finished edit, debounced so a burst of strokes is one save. A failed
 * save is retried with back-off and never dropped: the edits stay pending until a save succeeds.
 * A version conflict stops saving (nothing is overwritten) until the user chooses to reload the
 * other version or keep theirs (`overwrite`).
 */
export class AutosaveQueue {
  private status: SaveStatus;
  private changeSeq = 0;
  private savedSeq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private waiters: { resolve(): void; reject(e: Error): void }[] = [];
  private disposed = false;

  constructor(private readonly o: AutosaveOptions) {
    this.status = { state: 'saved', version: o.version, message: null, attempts: 0 };
  }

  get current(): SaveStatus {
    return this.status;
  }

  get dirty(): boolean {
    return this.changeSeq !== this.savedSeq;
  }

  /** An edit finished: save it soon. */
  changed(): void {
    this.changeSeq++;
    if (this.status.state === 'conflict') return;
    if (this.status.state !== 'saving' && this.status.state !== 'error') this.set({ state: 'pending' });
    if (this.status.state !== 'error') this.schedule(this.o.debounceMs ?? 400);
  }

  /** Saves now whatever is pending; resolves once everything is saved, rejects on conflict or error. */
  flush(): Promise<void> {
    if (!this.dirty && !this.inFlight) return Promise.resolve();
    if (this.status.state === 'conflict') return Promise.reject(new Error(this.status.message ?? 'version conflict'));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.inFlight) this.schedule(0);
    return done;
  }

  /** Retry a failed save immediately. */
  retryNow(): void {
    if (this.status.state === 'error') this.schedule(0);
  }

  /** After a conflict: save the local mask over the newest stored version (`latestVersion`). */
  overwrite(latestVersion: number): void {
    this.set({ state: 'pending', version: latestVersion, message: null, attempts: 0 });
    this.schedule(0);
  }

  /** The mask was replaced by the stored one (reload): nothing is pending any more. */
  reset(version: number): void {
    this.clearTimer();
    this.savedSeq = this.changeSeq;
    this.set({ state: 'saved', version, message: null, attempts: 0 });
    this.settleWaiters(null);
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }

  private schedule(delay: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(): Promise<void> {
    if (this.disposed || this.inFlight || this.status.state === 'conflict') return;
    if (!this.dirty) {
      this.settleWaiters(null);
      return;
    }
    const seq = this.changeSeq;
    this.set({ state: 'saving' });
    let finished!: () => void;
    this.inFlight = new Promise((r) => (finished = r));
    try {
      const { version } = await this.o.save(this.status.version);
      this.savedSeq = seq;
      this.set({ version, message: null, attempts: 0, state: this.dirty ? 'pending' : 'saved' });
      if (this.dirty) this.schedule(this.waiters.length ? 0 : (this.o.debounceMs ?? 400));
      else this.settleWaiters(null);
    } catch (error) {
      const message = this.o.errorMessage(error);
      if (this.o.isConflict(error)) {
        this.set({ state: 'conflict', message });
        this.settleWaiters(new Error(message));
      } else {
        const attempts = this.status.attempts + 1;
        this.set({ state: 'error', message, attempts });
        this.settleWaiters(new Error(message));
        const delays = this.o.retryDelaysMs ?? [1000, 2000, 5000, 10000];
        if (!this.disposed) this.schedule(delays[Math.min(attempts, delays.length) - 1]);
      }
    } finally {
      this.inFlight = null;
      finished();
    }
  }

  private settleWaiters(error: Error | null): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  private set(change: Partial<SaveStatus>): void {
    this.status = { ...this.status, ...change };
    this.o.onChange?.(this.status);
  }
}
