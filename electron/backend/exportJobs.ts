import { randomUUID } from 'node:crypto';
import type { WireError } from '../../shared/contract/errors';
import type { ExportReport } from '../../shared/domain/interop';
import { exportMasks, type ExportOptions } from './interop/exportService';
import type { Project } from './project';

export interface ExportJobEvents {
  progress(jobId: string, done: number, total: number): void;
  done(jobId: string, report: ExportReport | null, error: WireError | null): void;
}

/** Runs exports in the background with throttled progress; each can be cancelled. */
export class ExportJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly events: ExportJobEvents,
    private readonly toWireError: (err: unknown) => WireError,
  ) {}

  start(project: Project, options: Omit<ExportOptions, 'signal' | 'onProgress'>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running.set(jobId, controller);
    let lastSent = 0;
    exportMasks(project, {
      ...options,
      signal: controller.signal,
      onProgress: (done, total) => {
        const now = performance.now();
        if (done === total || now - lastSent > 150) {
          lastSent = now;
          this.events.progress(jobId, done, total);
        }
      },
    })
      .then((report) => this.events.done(jobId, report, null))
      .catch((err: unknown) => this.events.done(jobId, null, this.toWireError(err)))
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
