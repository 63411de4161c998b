/**
 * Deterministic scribble labels from dense ones, as a user with a brush would give: strokes at
 * least 5 px wide whose centres stay inside class regions eroded by 4 px (so a stroke never
 * crosses a class edge), about `coverage` of the pixels, 255 everywhere else. The same label file
 * always gives the same scribbles (seeded by its name), so ours and the peer train on the same files.
 *
 *   npx tsx bench/scribbles.ts LABELS_DIR OUT_DIR [--ignore 11] [--coverage 0.05] stem…
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { mulberry32 } from '../shared/random';

export interface ScribbleOptions {
  /** The dense labels' "no class" value (CamVid: 11), never scribbled. */
  ignore: number;
  /** Share of the pixels to label. */
  coverage: number;
  seed: number;
}

const ERODE = 4;
const RADIUS = 2;
const STEPS = 40;

/** Pixels whose whole (2r+1)² neighbourhood has their own label (and is not `ignore`). */
function erodedInterior(labels: Uint8Array, width: number, height: number, r: number, ignore: number): Uint8Array {
  const rows = new Uint8Array(labels.length);
  for (let y = 0; y < height; y++) {
    for (let x = r; x < width - r; x++) {
      const v = labels[y * width + x];
      if (v === ignore) continue;
      let ok = 1;
      for (let k = -r; k <= r && ok; k++) if (labels[y * width + x + k] !== v) ok = 0;
      rows[y * width + x] = ok;
    }
  }
  const out = new Uint8Array(labels.length);
  for (let y = r; y < height - r; y++) {
    for (let x = 0; x < width; x++) {
      const v = labels[y * width + x];
      let ok = rows[y * width + x];
      for (let k = -r; k <= r && ok; k++) if (!rows[(y + k) * width + x] || labels[(y + k) * width + x] !== v) ok = 0;
      out[y * width + x] = ok;
    }
  }
  return out;
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Scribbles for one dense label map: random-walk strokes (a disc of radius 2 painted along the
 * walk) started at random interior pixels, classes taken in turn so small classes get strokes too.
 */
export function scribble(labels: Uint8Array, width: number, height: number, name: string, options: ScribbleOptions): Uint8Array {
  return scribbleStrokes(labels, width, height, name, options).values;
}

/** `scribble`, with the pixels each stroke painted first, in drawing order (to replay them as a user's strokes). */
export function scribbleStrokes(labels: Uint8Array, width: number, height: number, name: string, options: ScribbleOptions): { values: Uint8Array; strokes: number[][] } {
  const random = mulberry32((options.seed * 7919) ^ hashName(name));
  const interior = erodedInterior(labels, width, height, ERODE, options.ignore);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    if (!interior[i]) continue;
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const out = new Uint8Array(labels.length).fill(255);
  const target = Math.round(options.coverage * labels.length);
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  let painted = 0;
  const strokes: number[][] = [];
  for (let turn = 0; painted < target && classes.length && turn < 100_000; turn++) {
    const value = classes[turn % classes.length];
    const starts = byClass.get(value)!;
    let at = starts[Math.floor(random() * starts.length)];
    let angle = random() * 2 * Math.PI;
    const stroke: number[] = [];
    strokes.push(stroke);
    for (let step = 0; step < STEPS && painted < target; step++) {
      const cx = at % width;
      const cy = Math.floor(at / width);
      for (let dy = -RADIUS; dy <= RADIUS; dy++) {
        for (let dx = -RADIUS; dx <= RADIUS; dx++) {
          if (dx * dx + dy * dy > RADIUS * RADIUS + 1) continue;
          const p = (cy + dy) * width + cx + dx;
          if (out[p] === 255) {
            painted++;
            stroke.push(p);
          }
          out[p] = value;
        }
      }
      angle += (random() - 0.5) * 0.8;
      const nx = Math.round(cx + 2 * Math.cos(angle));
      const ny = Math.round(cy + 2 * Math.sin(angle));
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) break;
      const next = ny * width + nx;
      // The stroke ends where it would leave its class's interior.
      if (!interior[next] || labels[next] !== value) break;
      at = next;
    }
  }
  return { values: out, strokes: strokes.filter((st) => st.length > 0) };
}

/** Writes scribble PNGs (8-bit grey, same file names) for the given label files; returns the labeled share. */
export async function writeScribbles(labelFiles: string[], outDir: string, options: ScribbleOptions): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  let labeled = 0;
  let total = 0;
  for (const file of labelFiles) {
    const { data, info } = await sharp(readFileSync(file)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const labels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const out = scribble(labels, info.width, info.height, basename(file), options);
    labeled += out.reduce((n, v) => n + (v === 255 ? 0 : 1), 0);
    total += out.length;
    await sharp(Buffer.from(out), { raw: { width: info.width, height: info.height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(join(outDir, basename(file)));
  }
  return labeled / Math.max(1, total);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const value = Number(args[i + 1]);
    args.splice(i, 2);
    return value;
  };
  const ignore = flag('--ignore', 11);
  const coverage = flag('--coverage', 0.05);
  const [labelsDir, outDir, ...stems] = args;
  const share = await writeScribbles(stems.map((s) => join(labelsDir, `${s}.png`)), outDir, { ignore, coverage, seed: 1 });
  process.stdout.write(JSON.stringify({ scribbles: outDir, images: stems.length, labeledShare: Number(share.toFixed(4)) }) + '\n');
}
