import { EMPTY_RECT, type MaskRect } from './maskRect';

/** A filled region as horizontal runs: (y, x0, x1) triples, x1 exclusive, plus its bounds and area. */
export interface SpanRegion {
  spans: Int32Array;
  spanCount: number;
  bounds: MaskRect;
  pixels: number;
}

export type FloodMode = 'label' | 'image' | 'both';

export interface FloodOptions {
  /** label: the connected region of the seed's label value; image: pixels whose colour is within
   * `tolerance` of the seed's (max channel difference, 0–255); both: the two conditions at once. */
  mode: FloodMode;
  tolerance: number;
  /** RGBA image pixels, required for 'image' and 'both'. */
  rgba?: Uint8Array | Uint8ClampedArray;
}

const EMPTY_REGION: SpanRegion = { spans: new Int32Array(0), spanCount: 0, bounds: EMPTY_RECT, pixels: 0 };

/**
 * The 4-connected region around (x, y), found with a scanline fill: each run is scanned once,
 * so a 6-megapixel region takes a few tens of milliseconds. Seeds outside the raster give an empty region.
 */
export function floodRegion(labels: Uint8Array, width: number, height: number, x: number, y: number, o: FloodOptions): SpanRegion {
  x = Math.floor(x);
  y = Math.floor(y);
  if (x < 0 || y < 0 || x >= width || y >= height) return EMPTY_REGION;
  const seed = y * width + x;
  const seedLabel = labels[seed];
  const useImage = o.mode !== 'label';
  const useLabel = o.mode !== 'image';
  const rgba = o.rgba;
  if (useImage && (!rgba || rgba.length < width * height * 4)) throw new Error('flood fill on the image needs its RGBA pixels');
  const tol = Math.max(0, o.tolerance);
  const sr = useImage ? rgba![seed * 4] : 0;
  const sg = useImage ? rgba![seed * 4 + 1] : 0;
  const sb = useImage ? rgba![seed * 4 + 2] : 0;

  // 0 = not yet tested, 1 = in the region, 2 = tested and outside.
  const state = new Uint8Array(width * height);
  // The label-only test is inlined below (the common case, and the 6-megapixel benchmark's);
  // colour tests go through this function.
  const matches = (i: number): boolean => {
    const s = state[i];
    if (s !== 0) return s === 1;
    let ok = !useLabel || labels[i] === seedLabel;
    if (ok && useImage) {
      const p = i * 4;
      ok = Math.abs(rgba![p] - sr) <= tol && Math.abs(rgba![p + 1] - sg) <= tol && Math.abs(rgba![p + 2] - sb) <= tol;
    }
    if (!ok) state[i] = 2;
    return ok;
  };
  const open = useImage ? (i: number) => state[i] !== 1 && matches(i) : null;

  let spans = new Int32Array(3 * 1024);
  let spanCount = 0;
  let pixels = 0;
  let bx0 = x;
  let bx1 = x + 1;
  let by0 = y;
  let by1 = y + 1;
  // Seeds carry their parent span (pl, pr) and direction: the row back towards the parent is
  // only scanned where it sticks out of the parent span, which is already in the region.
  const stack: number[] = [x, y, 0, 0, 0];
  const scan = (ny: number, from: number, to: number, l: number, r: number, dir: number) => {
    const nrow = ny * width;
    let inRun = false;
    for (let nx = from; nx < to; nx++) {
      const i = nrow + nx;
      const ok = open ? open(i) : state[i] !== 1 && labels[i] === seedLabel;
      if (ok && !inRun) stack.push(nx, ny, l, r, dir);
      inRun = ok;
    }
  };
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const pr = stack.pop()!;
    const pl = stack.pop()!;
    const sy = stack.pop()!;
    const sx = stack.pop()!;
    const row = sy * width;
    if (open ? !open(row + sx) : state[row + sx] === 1 || labels[row + sx] !== seedLabel) continue;
    let l = sx;
    let r = sx + 1;
    if (open) {
      while (l > 0 && open(row + l - 1)) l--;
      while (r < width && open(row + r)) r++;
    } else {
      while (l > 0 && state[row + l - 1] !== 1 && labels[row + l - 1] === seedLabel) l--;
      while (r < width && state[row + r] !== 1 && labels[row + r] === seedLabel) r++;
    }
    state.fill(1, row + l, row + r);
    if (3 * (spanCount + 1) > spans.length) {
      const grown = new Int32Array(spans.length * 2);
      grown.set(spans);
      spans = grown;
    }
    spans[3 * spanCount] = sy;
    spans[3 * spanCount + 1] = l;
    spans[3 * spanCount + 2] = r;
    spanCount++;
    pixels += r - l;
    if (l < bx0) bx0 = l;
    if (r > bx1) bx1 = r;
    if (sy < by0) by0 = sy;
    if (sy + 1 > by1) by1 = sy + 1;
    for (let d = -1; d <= 1; d += 2) {
      const ny = sy + d;
      if (ny < 0 || ny >= height) continue;
      if (dir !== 0 && d === -dir) {
        // Back towards the parent: only the parts outside the parent span.
        if (l < pl) scan(ny, l, Math.min(r, pl), l, r, d);
        if (r > pr) scan(ny, Math.max(l, pr), r, l, r, d);
      } else scan(ny, l, r, l, r, d);
    }
  }
  return { spans, spanCount, bounds: { x0: bx0, y0: by0, x1: bx1, y1: by1 }, pixels };
}

/** Writes `value` over a region's runs; with `protect`, only over unlabeled (255) pixels. Returns pixels changed. */
export function paintSpans(target: Uint8Array, width: number, region: SpanRegion, value: number, protect: boolean): number {
  let changed = 0;
  const { spans } = region;
  for (let s = 0; s < region.spanCount; s++) {
    const row = spans[3 * s] * width;
    const from = row + spans[3 * s + 1];
    const to = row + spans[3 * s + 2];
    if (!protect) {
      for (let i = from; i < to; i++) if (target[i] !== value) changed++;
      target.fill(value, from, to);
      continue;
    }
    for (let i = from; i < to; i++) {
      if (target[i] === value || (protect && target[i] !== 255)) continue;
      target[i] = value;
      changed++;
    }
  }
  return changed;
}
