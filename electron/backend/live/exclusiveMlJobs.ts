import { BackgroundJobs, type JobHandlers, type Progress } from '../backgroundJobs';
import type { LiveService } from './liveService';

/**
 * Background jobs that need the ML process to themselves (predictions from the review screens):
 * while one runs, Live pauses, and it resumes when the last one ends.
 */
export class ExclusiveMlJobs extends BackgroundJobs {
  constructor(private readonly live: () => LiveService | null) {
    super();
  }

  override start<R>(work: (signal: AbortSignal, progress: Progress) => Promise<R>, handlers: JobHandlers<R>): string {
    const live = this.live();
    return super.start((signal, progress) => (live ? live.takeover(() => work(signal, progress)) : work(signal, progress)), handlers);
  }
}
