import { afterEach, describe, expect, it, vi } from 'vitest';

import { BackgroundJobs } from '../../../../electron/backend/backgroundJobs';

/** Settles pending promise callbacks (the job's then/catch/finally chain) and the unhandled-rejection check. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('BackgroundJobs', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
    vi.restoreAllMocks();
  });

  it('reports a job\'s result, then its failure handler, and cancels by id', async () => {
    const jobs = new BackgroundJobs();
    const done = vi.fn();
    const failed = vi.fn();
    jobs.start(async () => 42, { progress: () => {}, done, failed });
    const slow = jobs.start(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')))),
      { progress: () => {}, done, failed },
    );
    expect(jobs.cancel(slow)).toBe(true);
    await settle();
    expect(done).toHaveBeenCalledWith(expect.any(String), 42);
    expect(failed).toHaveBeenCalledWith(slow, expect.objectContaining({ message: 'cancelled' }));
    expect(jobs.cancel(slow)).toBe(false); // finished jobs are forgotten
  });

  it('a handler that throws (the done and the failure handler both) is logged, not an unhandled rejection that ends the process', async () => {
    process.on('unhandledRejection', onUnhandled);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const jobs = new BackgroundJobs();
    const failed = vi.fn(() => {
      throw new Error('window closed');
    });
    jobs.start(async () => 'ok', {
      progress: () => {},
      done: () => {
        throw new Error('event could not be sent');
      },
      failed,
    });
    await settle();
    expect(failed).toHaveBeenCalledTimes(1);
    expect(unhandled).toEqual([]);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('window closed'));
  });
});
