import { describe, expect, it } from 'vitest';
import { compressCounts, decompressCounts, paintRle, rleAreaAndBbox, rleCounts } from '../../../../shared/mask/cocoRle';
import { fillPolygon } from '../../../../shared/mask/polygonFill';

describe('COCO RLE', () => {
  it('runs column-major, starting with background', () => {
    // 3×2 row-major:  1 0 1
    //                 1 0 0   → column-major: 1 1 | 0 0 | 1 0
    const values = new Uint8Array([1, 0, 1, 1, 0, 0]);
    expect(rleCounts(values, 3, 2, (v) => v === 1)).toEqual([0, 2, 2, 1, 1]);
    expect(rleCounts(new Uint8Array(4), 2, 2, (v) => v === 1)).toEqual([4]);
  });

  it('compresses as pycocotools does, including negative differences', () => {
    expect(compressCounts([0, 4])).toBe('04');
    // The fourth count is stored as 1 − 3 = −2: one character, 30 + 48 = 'N'.
    expect(compressCounts([2, 3, 1, 1])).toBe('231N');
    expect(decompressCounts('231N')).toEqual([2, 3, 1, 1]);
    // Counts above 31 take several characters.
    const big = [100_000, 3, 250_000, 7, 1];
    expect(decompressCounts(compressCounts(big))).toEqual(big);
  });

  it('rejects strings that end inside a count or hold bad characters', () => {
    expect(() => decompressCounts('0\x7f')).toThrow(/invalid character/);
    expect(() => decompressCounts('P')).toThrow(/ends inside a count/);
  });

  it('paints back exactly what it encoded and checks the size', () => {
    const w = 7;
    const h = 5;
    const values = new Uint8Array(w * h).map((_, i) => ((i * 31) % 7 < 3 ? 4 : 255));
    const counts = rleCounts(values, w, h, (v) => v === 4);
    const target = new Uint8Array(w * h).fill(255);
    paintRle({ size: [h, w], counts: compressCounts(counts) }, target, w, h, 4);
    expect([...target]).toEqual([...values]);
    expect(() => paintRle({ size: [h + 1, w], counts }, target, w, h, 4)).toThrow(/differs/);
    expect(() => paintRle({ size: [h, w], counts: [1, 2] }, target, w, h, 4)).toThrow(/covers 3 of 35/);
  });

  it('gives area and bbox like pycocotools', () => {
    const w = 6;
    const h = 4;
    const values = new Uint8Array(w * h);
    for (const [x, y] of [[1, 1], [2, 1], [2, 2], [4, 3]]) values[y * w + x] = 1;
    expect(rleAreaAndBbox(rleCounts(values, w, h, (v) => v === 1), h)).toEqual({ area: 4, bbox: [1, 1, 4, 3] });
    expect(rleAreaAndBbox([24], h)).toEqual({ area: 0, bbox: [0, 0, 0, 0] });
  });
});

describe('fillPolygon', () => {
  it('fills pixels whose centres are inside, clipped to the image', () => {
    const w = 5;
    const target = new Uint8Array(w * 4);
    const n = fillPolygon(target, w, 4, [1, 1, 4, 1, 4, 3, 1, 3], 9);
    expect(n).toBe(6);
    expect([...target.subarray(5, 10)]).toEqual([0, 9, 9, 9, 0]);
    expect(fillPolygon(new Uint8Array(4), 2, 2, [-5, -5, 10, -5, 10, 10, -5, 10], 1)).toBe(4);
    expect(fillPolygon(new Uint8Array(1), 1, 1, [0, 0, 1, 1], 1)).toBe(0);
  });
});
