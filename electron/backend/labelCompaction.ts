import type { Project } from './project';

/**
 * How long after the first uncompacted save its image's old versions are compacted. The timer is
 * not pushed back by later saves, so painting without a pause is still compacted every few seconds.
 */
export const COMPACTION_DELAY_MS = 2000;

const pending = new WeakMap<Project, { imageIds: Set<number>; timer: NodeJS.Timeout }>();

/**
 * Schedules compaction of an image's old mask versions (labelMaskRepository.compact) a little
 * later: it stays off the save path, and the saves of those seconds cost one compaction.
 */
export function compactSoon(project: Project, imageId: number): void {
  let entry = pending.get(project);
  if (!entry) {
    const timer = setTimeout(() => compactPending(project), COMPACTION_DELAY_MS);
    timer.unref(); // never what keeps a process alive
    entry = { imageIds: new Set(), timer };
    pending.set(project, entry);
  }
  entry.imageIds.add(imageId);
}

/** Schedules every image with many versions (a project saved before compaction existed, or never compacted). */
export function compactProjectSoon(project: Project): void {
  for (const imageId of project.masks.imagesToCompact()) compactSoon(project, imageId);
}

/** Runs the scheduled compaction now (also what the timer runs); returns the versions removed. */
export function compactPending(project: Project): number {
  const entry = pending.get(project);
  if (!entry) return 0;
  clearTimeout(entry.timer);
  pending.delete(project);
  if (!project.db.open) return 0;
  let removed = 0;
  for (const imageId of entry.imageIds) {
    try {
      removed += project.masks.compact(imageId);
    } catch (err) {
      // A busy or full database: nothing is lost, the image's next save schedules it again.
      console.warn(`label compaction of image ${imageId} postponed: ${(err as Error).message}`);
    }
  }
  return removed;
}
