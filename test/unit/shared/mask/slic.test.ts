import { describe, expect, it } from 'vitest';
import { computeSlic, paintSuperpixels } from '../../../../shared/mask/slic';

/** Left half red, right half blue. */
function twoHalves(w: number, h: number): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) rgba.set(x < w / 2 ? [220, 30, 30, 255] : [30, 30, 220, 255], (y * w + x) * 4);
  return rgba;
}

describe('SLIC superpixels', () => {
  it('never lets a superpixel cross a strong colour edge', () => {
    const w = 64;
    const h = 48;
    const sp = computeSlic(twoHalves(w, h), w, h, { regionSize: 12 });
    expect(sp.count).toBeGreaterThan(4);
    const side = new Map<number, boolean>();
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const id = sp.labels[y * w + x];
        const left = x < w / 2;
        expect(side.get(id) ?? left).toBe(left);
        side.set(id, left);
      }
  });

  it('follows an edge in a dark frame (levels are stretched before clustering), which it misses without', () => {
    // A night frame: grey 6 on the left of x = 27, grey 16 right of it, with ±2 of noise.
    const w = 96;
    const h = 64;
    const edge = 27;
    const rgba = new Uint8Array(w * h * 4);
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 5) - 2;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = (x < edge ? 6 : 16) + noise();
        rgba.set([v, v, v, 255], (y * w + x) * 4);
      }
    /** Pixels in superpixels that straddle the edge, on their minority side. */
    const leaked = (normalize: boolean) => {
      const sp = computeSlic(rgba, w, h, { regionSize: 16, normalize });
      const left = new Uint32Array(sp.count);
      const total = new Uint32Array(sp.count);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const id = sp.labels[y * w + x];
          total[id]++;
          if (x < edge) left[id]++;
        }
      let wrong = 0;
      for (let id = 0; id < sp.count; id++) wrong += Math.min(left[id], total[id] - left[id]);
      return wrong;
    };
    // Measured: 73 of 6,144 pixels stretched (slivers the connectivity pass merges), 293 not.
    const stretched = leaked(true);
    expect(stretched).toBeLessThan(0.02 * w * h);
    expect(leaked(false)).toBeGreaterThan(3 * stretched);
  });

  it('paints whole superpixels and reports their bounds', () => {
    const w = 32;
    const h = 32;
    const sp = computeSlic(twoHalves(w, h), w, h, { regionSize: 8 });
    const mask = new Uint8Array(w * h).fill(255);
    const id = sp.labels[0];
    const r = paintSuperpixels(mask, sp, new Set([id]), 4, false);
    for (let i = 0; i < w * h; i++) expect(mask[i] === 4).toBe(sp.labels[i] === id);
    expect(r.x0).toBe(0);
    expect(r.y0).toBe(0);
  });

  it('handles a 1-pixel image', () => {
    const sp = computeSlic(Uint8Array.from([1, 2, 3, 255]), 1, 1);
    expect(sp.count).toBe(1);
    expect(Array.from(sp.bounds)).toEqual([0, 0, 1, 1]);
  });
});

describe('SLIC connectivity', () => {
  it('leaves every superpixel in one 4-connected piece', () => {
    // Noise makes k-means scatter fragments; connectivity enforcement must absorb them.
    const w = 60;
    const h = 40;
    const rgba = new Uint8Array(w * h * 4);
    let seed = 7;
    for (let i = 0; i < w * h; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      rgba.set([seed % 256, (seed >> 8) % 256, (seed >> 16) % 256, 255], i * 4);
    }
    const sp = computeSlic(rgba, w, h, { regionSize: 8 });
    const seen = new Uint8Array(w * h);
    const pieces = new Map<number, number>();
    for (let start = 0; start < w * h; start++) {
      if (seen[start]) continue;
      const id = sp.labels[start];
      pieces.set(id, (pieces.get(id) ?? 0) + 1);
      const stack = [start];
      seen[start] = 1;
      while (stack.length) {
        const i = stack.pop()!;
        const x = i % w;
        for (const j of [x > 0 ? i - 1 : -1, x + 1 < w ? i + 1 : -1, i - w, i + w]) {
          if (j < 0 || j >= w * h || seen[j] || sp.labels[j] !== id) continue;
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    for (const [id, n] of pieces) expect(n, `superpixel ${id}`).toBe(1);
    expect(pieces.size).toBe(sp.count);
  });
});
