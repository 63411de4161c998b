import { describe, expect, it } from 'vitest';
import { floodRegion, paintSpans } from '../../../../shared/mask/floodFill';

describe('floodRegion', () => {
  it('fills the connected label region (4-connected) and stops at other values', () => {
    // A wall of 1s splits the raster; the diagonal gap does not connect (4-connectivity).
    const w = 5;
    const m = Uint8Array.from([
      255, 255, 1, 255, 255,
      255, 255, 1, 255, 255,
      255, 255, 1, 255, 255,
      255, 1, 255, 255, 255,
      1, 255, 255, 255, 255,
    ]);
    const region = floodRegion(m, w, 5, 0, 0, { mode: 'label', tolerance: 0 });
    expect(region.pixels).toBe(7);
    expect(region.bounds).toEqual({ x0: 0, y0: 0, x1: 2, y1: 4 });
    paintSpans(m, w, region, 3, false);
    expect(m[0]).toBe(3);
    expect(m[3 * w]).toBe(3);
    expect(m[4 * w + 1]).toBe(255);
  });

  it('fills by image colour within the tolerance', () => {
    const w = 4;
    const h = 1;
    const rgba = Uint8Array.from([100, 100, 100, 255, 110, 95, 100, 255, 200, 0, 0, 255, 100, 100, 100, 255]);
    const labels = new Uint8Array(w * h).fill(255);
    expect(floodRegion(labels, w, h, 0, 0, { mode: 'image', tolerance: 10, rgba }).pixels).toBe(2);
    expect(floodRegion(labels, w, h, 0, 0, { mode: 'image', tolerance: 9, rgba }).pixels).toBe(1);
    labels[1] = 2;
    expect(floodRegion(labels, w, h, 0, 0, { mode: 'both', tolerance: 10, rgba }).pixels).toBe(1);
  });

  it('handles a 1-pixel image, seeds outside and whole-raster regions', () => {
    const one = Uint8Array.from([255]);
    expect(floodRegion(one, 1, 1, 0, 0, { mode: 'label', tolerance: 0 }).pixels).toBe(1);
    expect(floodRegion(one, 1, 1, 1, 0, { mode: 'label', tolerance: 0 }).pixels).toBe(0);
    expect(floodRegion(one, 1, 1, -1, 0, { mode: 'label', tolerance: 0 }).pixels).toBe(0);
    const big = new Uint8Array(300 * 200).fill(255);
    const r = floodRegion(big, 300, 200, 299, 199, { mode: 'label', tolerance: 0 });
    expect(r.pixels).toBe(60000);
    expect(r.bounds).toEqual({ x0: 0, y0: 0, x1: 300, y1: 200 });
  });

  it('fills a spiral maze completely (many turns, the stack never loses a run)', () => {
    const n = 41;
    const m = new Uint8Array(n * n).fill(255);
    // Concentric square walls with a gap alternating sides.
    for (let k = 2; k < n / 2; k += 2) {
      for (let i = k; i < n - k; i++) {
        m[k * n + i] = 1;
        m[(n - 1 - k) * n + i] = 1;
        m[i * n + k] = 1;
        m[i * n + (n - 1 - k)] = 1;
      }
      m[(k % 4 === 0 ? k : n - 1 - k) * n + Math.floor(n / 2)] = 255;
    }
    const free = m.reduce((s, v) => s + (v === 255 ? 1 : 0), 0);
    expect(floodRegion(m, n, n, 0, 0, { mode: 'label', tolerance: 0 }).pixels).toBe(free);
  });

  it('protect keeps labeled pixels when painting spans', () => {
    const m = Uint8Array.from([255, 255, 255]);
    const region = floodRegion(m, 3, 1, 0, 0, { mode: 'label', tolerance: 0 });
    m[1] = 5;
    expect(paintSpans(m, 3, region, 2, true)).toBe(2);
    expect(Array.from(m)).toEqual([2, 5, 2]);
  });
});
