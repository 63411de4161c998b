import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMaskPng, encodeMaskPng } from '../shared/mask/maskPng';
import { CAMVID_DIR } from './datasets';

/** CamVid's void label (stored as unlabeled). */
const VOID = 11;
/** Scribbles stay this far (px) inside their class region, so a stroke never crosses a boundary. */
const INSET = 4;
/** Slanted strokes x + 2y ≡ 0..8 (mod 120): about 4 px wide, about 5 % of the pixels of inset regions. */
const PERIOD = 120;
const STROKE = 9;

/**
 * Deterministic scribbles from a full label raster: slanted strokes about 4 px wide, kept only where
 * a pixel's whole (2·INSET+1)² neighbourhood has its class (regions eroded by INSET), 255 elsewhere.
 * Each stroke is one run of pixels along its slant within one region: `strokes` lists them in order.
 */
export function scribbleMask(truth: Uint8Array, width: number, height: number): { values: Uint8Array; strokes: number[][] } {
  const values = new Uint8Array(width * height).fill(255);
  const inside = erodedSameClass(truth, width, height, INSET);
  const byStroke = new Map<string, number[]>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const phase = (x + 2 * y) % PERIOD;
      if (phase >= STROKE || !inside[i] || truth[i] >= VOID) continue;
      values[i] = truth[i];
      // One stroke per slant line and class, as a user draws one drag per region.
      const key = `${Math.floor((x + 2 * y) / PERIOD)}:${truth[i]}`;
      let s = byStroke.get(key);
      if (!s) byStroke.set(key, (s = []));
      s.push(i);
    }
  }
  return { values, strokes: [...byStroke.values()] };
}

/** Whether every pixel within `r` (Chebyshev) of each pixel has its class. */
function erodedSameClass(truth: Uint8Array, width: number, height: number, r: number): Uint8Array {
  // Horizontal then vertical runs of equal labels, each at least 2r+1 long around the pixel.
  const horizontal = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = r; x < width - r; x++) {
      const v = truth[y * width + x];
      let same = true;
      for (let d = -r; d <= r && same; d++) same = truth[y * width + x + d] === v;
      horizontal[y * width + x] = same ? 1 : 0;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = r; y < height - r; y++) {
    for (let x = 0; x < width; x++) {
      const v = truth[y * width + x];
      let same = true;
      for (let d = -r; d <= r && same; d++) same = horizontal[(y + d) * width + x] === 1 && truth[(y + d) * width + x] === v;
      out[y * width + x] = same ? 1 : 0;
    }
  }
  return out;
}

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
    const s = scribbleMask(truth.values, truth.width, truth.height);
    writeFileSync(join(dir, `${stem}.png`), encodeMaskPng({ width: truth.width, height: truth.height, values: s.values }));
    strokes.set(name, s.strokes);
    labeled += s.values.filter((v) => v !== 255).length;
    total += s.values.length;
  }
  return { images: train.map((n) => join(imagesDir, n)), labels: dir, strokes, coverage: labeled / total, holdout: names.filter((n) => n.startsWith(holdout)).map((n) => join(imagesDir, n)) };
}
