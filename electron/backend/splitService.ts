import type { Split } from '../../shared/domain/images';
import type { Project } from './project';
import { mulberry32 } from '../../shared/random';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

type Assigned = 'train' | 'val' | 'test';
const ASSIGNED: Assigned[] = ['train', 'val', 'test'];

/**
 * Assigns images to train/val/test with a seeded shuffle: the same seed over the same images
 * always gives the same split. Only unassigned images move unless `onlyUnassigned` is false.
 * With `labeledOnly`, only images with a label mask move, stratified by the classes they hold, so
 * that every split sees each class in proportion and unlabeled images stay where they were.
 */
export function autoSplit(
  project: Project,
  seed: number,
  fractions: SplitFractions,
  onlyUnassigned: boolean,
  labeledOnly = false,
): Record<Split, number> {
  const rows = project.images
    .list({ sort: 'imported', descending: false, ...(onlyUnassigned ? { split: 'unassigned' as const } : {}) })
    .filter((r) => !labeledOnly || r.status !== 'unlabeled');
  const random = mulberry32(seed);
  const assigned = labeledOnly ? stratifiedSplit(withClasses(project, rows.map((r) => r.id)), fractions, random) : randomSplit(rows.map((r) => r.id), fractions, random);
  project.db.transaction(() => {
    for (const split of ASSIGNED) if (assigned[split].length) project.images.setSplit(assigned[split], split);
  })();
  return project.images.counts().splits;
}

function randomSplit(ids: number[], fractions: SplitFractions, random: () => number): Record<Assigned, number[]> {
  shuffle(ids, random);
  const nVal = Math.round(ids.length * fractions.val);
  const nTest = Math.round(ids.length * fractions.test);
  return { val: ids.slice(0, nVal), test: ids.slice(nVal, nVal + nTest), train: ids.slice(nVal + nTest) };
}

/** The class values each image's current mask holds. */
function withClasses(project: Project, ids: number[]): Array<{ id: number; classes: number[] }> {
  const wanted = new Set(ids);
  const classes = new Map(ids.map((id) => [id, [] as number[]]));
  for (const c of project.classes.list()) {
    for (const id of project.masks.imagesWithClass(c.value)) if (wanted.has(id)) classes.get(id)!.push(c.value);
  }
  return ids.map((id) => ({ id, classes: classes.get(id)! }));
}

/**
 * Splits images so that each class's images are shared out in the fractions: images are grouped
 * by the rarest class they hold (rarest groups first), shuffled within their group, and dealt
 * one by one to the split furthest below its share so far. A class in only a few images thus
 * lands in train first, and in val as soon as it has enough for both.
 */
export function stratifiedSplit(
  images: Array<{ id: number; classes: number[] }>,
  fractions: SplitFractions,
  random: () => number,
): Record<Assigned, number[]> {
  const frequency = new Map<number, number>();
  for (const image of images) for (const c of image.classes) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  const rarest = (classes: number[]) =>
    classes.reduce<number | null>((best, c) => (best === null || frequency.get(c)! < frequency.get(best)! || (frequency.get(c) === frequency.get(best) && c < best) ? c : best), null);

  const groups = new Map<number, number[]>();
  for (const image of images) {
    const key = rarest(image.classes) ?? -1; // an empty mask (all unlabeled) holds no class
    groups.set(key, [...(groups.get(key) ?? []), image.id]);
  }
  const ordered = [...groups.entries()].sort(([a, ia], [b, ib]) => ia.length - ib.length || a - b);

  const result: Record<Assigned, number[]> = { train: [], val: [], test: [] };
  let dealt = 0;
  for (const [, ids] of ordered) {
    shuffle(ids, random);
    for (const id of ids) {
      dealt++;
      const behind = ASSIGNED.map((s) => fractions[s] * dealt - result[s].length);
      const split = ASSIGNED[behind.indexOf(Math.max(...behind))];
      result[split].push(id);
    }
  }
  return result;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
