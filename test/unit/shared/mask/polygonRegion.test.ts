import { describe, expect, it } from 'vitest';
import { paintPolygon } from '../../../../shared/mask/polygonRegion';

describe('paintPolygon', () => {
  it('fills pixel centres inside a polygon and clips it to the image', () => {
    const m = new Uint8Array(10 * 10).fill(255);
    const r = paintPolygon(m, 10, 10, [-5, -5, 4, -5, 4, 4, -5, 4], 1, false);
    expect(r).toEqual({ x0: 0, y0: 0, x1: 4, y1: 4 });
    expect(m.filter((v) => v === 1)).toHaveLength(16);
    expect(m[4 * 10 + 4]).toBe(255);
  });

  it('protects labeled pixels and ignores degenerate polygons', () => {
    const m = new Uint8Array(4 * 4).fill(255);
    m[5] = 9;
    paintPolygon(m, 4, 4, [0, 0, 4, 0, 4, 4, 0, 4], 2, true);
    expect(m[5]).toBe(9);
    expect(m.filter((v) => v === 2)).toHaveLength(15);
    expect(paintPolygon(m, 4, 4, [0, 0, 3, 3], 1, false).x1).toBe(0);
  });

  it('works on a 1-pixel image', () => {
    const one = Uint8Array.from([255]);
    paintPolygon(one, 1, 1, [0, 0, 1, 0, 1, 0.4], 3, false);
    expect(one[0]).toBe(255); // the pixel centre (0.5, 0.5) is outside this sliver
    paintPolygon(one, 1, 1, [0, 0, 1, 0, 1, 1, 0, 1], 3, false);
    expect(one[0]).toBe(3);
  });
});
