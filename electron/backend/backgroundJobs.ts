import { randomUUID } from 'node:crypto';

export type Progress = (done: number, total: number, current: string) => void;

export interface JobHandlers<R> {
  progress: (jobId: string, done: number, total: number, current: string) => void;
  done: (jobId: string, result: R) => void;
  failed: (jobId: string, error: unknown) => void;
}

/**
 * Long work (imports, exports) runs in the background so the backend keeps answering within
 * milliseconds; each job can be cancelled, and its progress is throttled to a few events a second.
 */
export class BackgroundJobs {
  private readonly running = new Map<string, AbortController>();

  start<R>(work: (signal: AbortSignal, progress: Progress) => Promise<R>, handlers: JobHandlers<R>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running.set(jobId, controller);
    let lastSent = 0;
    const progress: Progress = (done, total, current) => {
      const now = performance.now();
      if (done === total || now - lastSent > 150) {
        lastSent = now;
        handlers.progress(jobId, done, total, current);
      }
    };
    work(controller.signal, progress)
      .then((result) => handlers.done(jobId, result))
      .catch((err: unknown) => handlers.failed(jobId, err))
      // A failure handler that throws in turn (an event to a window that just closed) must not
      // become an unhandled rejection: Node ends the process on one, and the backend with it.
      .catch((err: unknown) => console.error(`background job ${jobId}: its failure could not be reported: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.running.delete(jobId));
    return jobId;
  }

  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    controller?.abort();
    return Boolean(controller);
  }

  cancelAll(): void {
    for (const c of this.running.values()) c.abort();
  }
}
