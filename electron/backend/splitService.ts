import type { Split } from '../../shared/domain/images';
import type { Project } from './project';
import { mulberry32 } from '../../shared/random';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

/**
 * Assigns images to train/val/test with a seeded shuffle: the same seed over the same images
 * always gives the same split. Only unassigned images move unless `onlyUnassigned` is false.
 */
export function autoSplit(project: Project, seed: number, fractions: SplitFractions, onlyUnassigned: boolean): Record<Split, number> {
  const rows = project.images.list({ sort: 'imported', descending: false, ...(onlyUnassigned ? { split: 'unassigned' as const } : {}) });
  const ids = rows.map((r) => r.id);
  shuffle(ids, mulberry32(seed));
  const nVal = Math.round(ids.length * fractions.val);
  const nTest = Math.round(ids.length * fractions.test);
  const val = ids.slice(0, nVal);
  const test = ids.slice(nVal, nVal + nTest);
  const train = ids.slice(nVal + nTest);
  project.db.transaction(() => {
    if (train.length) project.images.setSplit(train, 'train');
    if (val.length) project.images.setSplit(val, 'val');
    if (test.length) project.images.setSplit(test, 'test');
  })();
  return project.images.counts().splits;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
