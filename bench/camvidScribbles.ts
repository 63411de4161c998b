import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMaskPng, encodeMaskPng } from '../shared/mask/maskPng';
import { CAMVID_DIR } from './datasets';
import { scribbleStrokes } from './scribbles';

/** CamVid's void label (stored as unlabeled). */
const VOID = 11;

export interface ScribbleSet {
  /** Image files of the train images, in name order. */
  images: string[];
  /** Folder with one scribble PNG per train image (same stem), as the peer's --train_labels reads. */
  labels: string;
  /** The strokes of each image (pixel lists), in drawing order. */
  strokes: Map<string, number[][]>;
  /** Fraction of the train pixels scribbled. */
  coverage: number;
  /** The held-out sequence: val images and their full label files. */
  holdout: string[];
}

/**
 * The quality issues' scribble set: the first `count` CamVid train images by name outside the
 * `holdout` sequence, their labels reduced to scribbles (written to `dir`), and that sequence held out.
 */
export function camvidScribbleSet(dir: string, count = 20, holdout = '0006R0'): ScribbleSet {
  const imagesDir = join(CAMVID_DIR, 'train', 'images');
  const names = readdirSync(imagesDir).sort();
  const train = names.filter((n) => !n.startsWith(holdout)).slice(0, count);
  mkdirSync(dir, { recursive: true });
  const strokes = new Map<string, number[][]>();
  let labeled = 0;
  let total = 0;
  for (const name of train) {
    const stem = name.replace(/\.[^.]+$/, '');
    const truth = decodeMaskPng(readFileSync(join(CAMVID_DIR, 'train', 'labels', `${stem}.png`)));
    const s = scribbleStrokes(truth.values, truth.width, truth.height, `${stem}.png`, { ignore: VOID, coverage: 0.05, seed: 1 });
    writeFileSync(join(dir, `${stem}.png`), encodeMaskPng({ width: truth.width, height: truth.height, values: s.values }));
    strokes.set(name, s.strokes);
    labeled += s.values.filter((v) => v !== 255).length;
    total += s.values.length;
  }
  return { images: train.map((n) => join(imagesDir, n)), labels: dir, strokes, coverage: labeled / total, holdout: names.filter((n) => n.startsWith(holdout)).map((n) => join(imagesDir, n)) };
}
