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
