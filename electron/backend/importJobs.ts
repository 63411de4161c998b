import { randomUUID } from 'node:crypto';
import type { ImportReport } from '../../shared/domain/images';
import { importImages, type ImportOptions } from './importService';
import type { Project } from './project';

export interface ImportJobEvents {
  progress(jobId: string, done: number, total: number, current: string): void;
  finished(jobId: string, report: ImportReport): void;
  failed(jobId: string, message: string): void;
}

/** Runs imports in the background, so the backend keeps answering; each can be cancelled. */
export class ImportJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly events: ImportJobEvents) {}

  start(project: Project, options: Omit<ImportOptions, 'signal' | 'onProgress'>, onSettled?: () => void): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running.set(jobId, controller);
    let lastSent = 0;
    importImages(project, {
      ...options,
      signal: controller.signal,
      onProgress: (done, total, current) => {
        // A few updates a second are plenty for a progress bar and keep the socket quiet.
        const now = performance.now();
        if (done === total || now - lastSent > 150) {
          lastSent = now;
          this.events.progress(jobId, done, total, current);
        }
      },
    })
      .then((report) => this.events.finished(jobId, report))
      .catch((err: Error) => this.events.failed(jobId, err.message))
      .finally(() => {
        this.running.delete(jobId);
        onSettled?.();
      });
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

  get active(): number {
    return this.running.size;
  }
}
