import { EMPTY_RECT, type MaskRect } from './maskRect';

export interface SlicOptions {
  /** Approximate superpixel side in pixels (grid step S). Raised automatically so ids fit 16 bits. */
  regionSize: number;
  /** Weight of spatial distance against colour distance (SLIC's m; 10 is the paper's default for Lab). */
  compactness: number;
  iterations: number;
  /**
   * Stretch the image's levels to the full range before clustering (percentile contrast stretch),
   * so that edges in dark or flat frames weigh as much against distance as in well-lit ones.
   */
  normalize: boolean;
}

export interface Superpixels {
  width: number;
  height: number;
  /** Superpixel id per pixel (0..count-1). */
  labels: Uint16Array;
  count: number;
  /** Per id: x0, y0, x1, y1 (half-open), so painting one superpixel scans only its box. */
  bounds: Int32Array;
}

export const DEFAULT_SLIC: SlicOptions = { regionSize: 24, compactness: 10, iterations: 5, normalize: true };

/** Superpixel sizes the editor offers (grid step in image pixels). */
export const SUPERPIXEL_SIZES = { small: 12, medium: 20, large: 40 } as const;
export type SuperpixelSize = keyof typeof SUPERPIXEL_SIZES;

/**
 * SLIC superpixels (Achanta et al., 2012) on RGBA pixels: k-means in CIELAB + xy, each centre
 * searching only its 2S × 2S window. Ids are dense and fit 16 bits (2 bytes per pixel).
 */
export function computeSlic(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, options: Partial<SlicOptions> = {}): Superpixels {
  const o = { ...DEFAULT_SLIC, ...options };
  const n = width * height;
  let step = Math.max(2, Math.round(o.regionSize));
  while (Math.ceil(width / step) * Math.ceil(height / step) > 65535) step++;
  const lab = toLab(o.normalize ? stretchLevels(rgba, n) : rgba, n);
  const gx = Math.ceil(width / step);
  const gy = Math.ceil(height / step);
  const k = gx * gy;
  // Centres: l, a, b, x, y.
  const centres = new Float64Array(k * 5);
  for (let j = 0; j < gy; j++)
    for (let i = 0; i < gx; i++) {
      const c = j * gx + i;
      const x = Math.min(width - 1, Math.floor(i * step + step / 2));
      const y = Math.min(height - 1, Math.floor(j * step + step / 2));
      const p = (y * width + x) * 3;
      centres.set([lab[p], lab[p + 1], lab[p + 2], x, y], c * 5);
    }
  const labels = new Uint16Array(n);
  const dist = new Float32Array(n);
  const weight = (o.compactness / step) ** 2;
  const sums = new Float64Array(k * 6);
  for (let iter = 0; iter < Math.max(1, o.iterations); iter++) {
    dist.fill(Infinity);
    for (let c = 0; c < k; c++) {
      const cl = centres[c * 5];
      const ca = centres[c * 5 + 1];
      const cb = centres[c * 5 + 2];
      const cx = centres[c * 5 + 3];
      const cy = centres[c * 5 + 4];
      const x0 = Math.max(0, Math.floor(cx - step));
      const x1 = Math.min(width, Math.ceil(cx + step));
      const y0 = Math.max(0, Math.floor(cy - step));
      const y1 = Math.min(height, Math.ceil(cy + step));
      for (let y = y0; y < y1; y++) {
        const dy = y - cy;
        for (let x = x0; x < x1; x++) {
          const i = y * width + x;
          const p = i * 3;
          const dl = lab[p] - cl;
          const da = lab[p + 1] - ca;
          const db = lab[p + 2] - cb;
          const dx = x - cx;
          const d = dl * dl + da * da + db * db + (dx * dx + dy * dy) * weight;
          if (d < dist[i]) {
            dist[i] = d;
            labels[i] = c;
          }
        }
      }
    }
    sums.fill(0);
    for (let y = 0, i = 0; y < height; y++)
      for (let x = 0; x < width; x++, i++) {
        const s = labels[i] * 6;
        const p = i * 3;
        sums[s] += lab[p];
        sums[s + 1] += lab[p + 1];
        sums[s + 2] += lab[p + 2];
        sums[s + 3] += x;
        sums[s + 4] += y;
        sums[s + 5]++;
      }
    for (let c = 0; c < k; c++) {
      const count = sums[c * 6 + 5];
      if (count === 0) continue;
      for (let f = 0; f < 5; f++) centres[c * 5 + f] = sums[c * 6 + f] / count;
    }
  }
  return densify(enforceConnectivity(labels, width, height, Math.max(1, Math.floor((step * step) / 4))), width, height, 65536);
}

/**
 * k-means leaves stray fragments of a superpixel far from its body; as SLIC's reference code does,
 * relabel each connected piece and merge pieces smaller than `minSize` into a neighbour, so the
 * brush never paints a stray island. Keeps the input when the result would not fit 16 bits.
 */
function enforceConnectivity(labels: Uint16Array, width: number, height: number, minSize: number): Uint16Array {
  const n = width * height;
  const out = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (out[start] >= 0) continue;
    // A neighbour already labeled, to absorb this piece if it is too small.
    const sx = start % width;
    const adjacent = sx > 0 ? out[start - 1] : start >= width ? out[start - width] : -1;
    const own = labels[start];
    out[start] = next;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    const visit = (j: number) => {
      if (out[j] >= 0 || labels[j] !== own) return;
      out[j] = next;
      queue[tail++] = j;
    };
    while (head < tail) {
      const i = queue[head++];
      const x = i % width;
      if (x > 0) visit(i - 1);
      if (x + 1 < width) visit(i + 1);
      if (i >= width) visit(i - width);
      if (i + width < n) visit(i + width);
    }
    if (tail < minSize && adjacent >= 0) for (let q = 0; q < tail; q++) out[queue[q]] = adjacent;
    else next++;
  }
  if (next > 65535) return labels;
  const result = new Uint16Array(n);
  for (let i = 0; i < n; i++) result[i] = out[i];
  return result;
}

/** Renumbers ids to 0..count-1 (centres that won no pixel disappear) and records each id's bounds. */
function densify(labels: Uint16Array, width: number, height: number, k: number): Superpixels {
  const remap = new Int32Array(k).fill(-1);
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (remap[labels[i]] < 0) remap[labels[i]] = count++;
  const bounds = new Int32Array(count * 4);
  for (let c = 0; c < count; c++) bounds.set([width, height, 0, 0], c * 4);
  for (let y = 0, i = 0; y < height; y++)
    for (let x = 0; x < width; x++, i++) {
      const id = remap[labels[i]];
      labels[i] = id;
      const b = id * 4;
      if (x < bounds[b]) bounds[b] = x;
      if (y < bounds[b + 1]) bounds[b + 1] = y;
      if (x + 1 > bounds[b + 2]) bounds[b + 2] = x + 1;
      if (y + 1 > bounds[b + 3]) bounds[b + 3] = y + 1;
    }
  return { width, height, labels, count, bounds };
}

/** Share of the darkest and of the brightest channel values ignored when stretching (noise, specular spots). */
const STRETCH_CLIP = 0.005;

/**
 * One linear map of all three channels (so hues keep their balance) that sends the 0.5th
 * percentile of channel values to 0 and the 99.5th to 255. A frame already spanning the range,
 * or a flat one, is returned as it is.
 */
function stretchLevels(rgba: Uint8Array | Uint8ClampedArray, n: number): Uint8Array | Uint8ClampedArray {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    histogram[rgba[i * 4]]++;
    histogram[rgba[i * 4 + 1]]++;
    histogram[rgba[i * 4 + 2]]++;
  }
  const clip = Math.floor(3 * n * STRETCH_CLIP);
  let lo = 0;
  for (let seen = histogram[0]; seen <= clip && lo < 255; ) seen += histogram[++lo];
  let hi = 255;
  for (let seen = histogram[255]; seen <= clip && hi > 0; ) seen += histogram[--hi];
  if (hi - lo < 2 || (lo === 0 && hi === 255)) return rgba;
  const map = new Uint8Array(256);
  for (let v = 0; v < 256; v++) map[v] = Math.max(0, Math.min(255, Math.round(((v - lo) * 255) / (hi - lo))));
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n * 4; i += 4) {
    out[i] = map[rgba[i]];
    out[i + 1] = map[rgba[i + 1]];
    out[i + 2] = map[rgba[i + 2]];
  }
  return out;
}

function toLab(rgba: Uint8Array | Uint8ClampedArray, n: number): Float32Array {
  const lin = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const c = v / 255;
    lin[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const r = lin[rgba[i * 4]];
    const g = lin[rgba[i * 4 + 1]];
    const b = lin[rgba[i * 4 + 2]];
    const fx = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
    const fy = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
    const fz = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
    out[i * 3] = 116 * fy - 16;
    out[i * 3 + 1] = 500 * (fx - fy);
    out[i * 3 + 2] = 200 * (fy - fz);
  }
  return out;
}

/** The superpixel ids under a set of pixels given as a rectangle test (the brush footprint). */
export function superpixelsUnder(sp: Superpixels, x0: number, y0: number, x1: number, y1: number, inside: (x: number, y: number) => boolean): Set<number> {
  const ids = new Set<number>();
  for (let y = Math.max(0, y0); y < Math.min(sp.height, y1); y++)
    for (let x = Math.max(0, x0); x < Math.min(sp.width, x1); x++) if (inside(x, y)) ids.add(sp.labels[y * sp.width + x]);
  return ids;
}

/** The rectangle covering the given superpixels. */
export function superpixelBounds(sp: Superpixels, ids: Iterable<number>): MaskRect {
  let r: MaskRect = EMPTY_RECT;
  for (const id of ids) {
    const b = id * 4;
    r = r === EMPTY_RECT ? { x0: sp.bounds[b], y0: sp.bounds[b + 1], x1: sp.bounds[b + 2], y1: sp.bounds[b + 3] } : {
      x0: Math.min(r.x0, sp.bounds[b]),
      y0: Math.min(r.y0, sp.bounds[b + 1]),
      x1: Math.max(r.x1, sp.bounds[b + 2]),
      y1: Math.max(r.y1, sp.bounds[b + 3]),
    };
  }
  return r;
}

/** Paints whole superpixels with `value` (protect: only unlabeled pixels). Returns the changed bounds. */
export function paintSuperpixels(target: Uint8Array, sp: Superpixels, ids: ReadonlySet<number>, value: number, protect: boolean): MaskRect {
  for (const id of ids) {
    const b = id * 4;
    for (let y = sp.bounds[b + 1]; y < sp.bounds[b + 3]; y++) {
      const row = y * sp.width;
      for (let x = sp.bounds[b]; x < sp.bounds[b + 2]; x++) {
        const i = row + x;
        if (sp.labels[i] === id && (!protect || target[i] === 255)) target[i] = value;
      }
    }
  }
  return superpixelBounds(sp, ids);
}
