import { describe, expect, it } from 'vitest';
import { brushCentre, paintSegment } from '../../../../shared/mask/brushStroke';

const blank = (w: number, h: number) => new Uint8Array(w * h).fill(255);
const count = (a: Uint8Array, v: number) => a.reduce((n, x) => n + (x === v ? 1 : 0), 0);

describe('paintSegment', () => {
  it('paints exactly the pixel under the pointer with a 1-pixel brush', () => {
    const m = blank(5, 5);
    const [cx, cy] = brushCentre(2.7, 3.1, 1);
    paintSegment(m, 5, 5, cx, cy, cx, cy, { size: 1, shape: 'round', value: 1, protect: false });
    expect(count(m, 1)).toBe(1);
    expect(m[3 * 5 + 2]).toBe(1);
  });

  it('paints a symmetric round disc whose width is the brush size', () => {
    const m = blank(21, 21);
    const [cx, cy] = brushCentre(10.5, 10.5, 9);
    paintSegment(m, 21, 21, cx, cy, cx, cy, { size: 9, shape: 'round', value: 2, protect: false });
    const row = Array.from(m.subarray(10 * 21, 11 * 21));
    expect(row.filter((v) => v === 2)).toHaveLength(9);
    for (let y = 0; y < 21; y++) for (let x = 0; x < 21; x++) expect(m[y * 21 + x]).toBe(m[y * 21 + (20 - x)]);
    expect(m[6 * 21 + 6]).toBe(255); // the disc's corner is not painted
  });

  it('paints an n×n square for a square tip', () => {
    const m = blank(10, 10);
    const [cx, cy] = brushCentre(5, 5, 4);
    paintSegment(m, 10, 10, cx, cy, cx, cy, { size: 4, shape: 'square', value: 3, protect: false });
    expect(count(m, 3)).toBe(16);
  });

  it('leaves no gap between far-apart pointer positions', () => {
    for (const shape of ['round', 'square'] as const) {
      const m = blank(100, 20);
      const a = brushCentre(2, 10, 3);
      const b = brushCentre(97, 13, 3);
      paintSegment(m, 100, 20, a[0], a[1], b[0], b[1], { size: 3, shape, value: 1, protect: false });
      for (let x = 2; x <= 97; x++) {
        let painted = false;
        for (let y = 0; y < 20; y++) painted ||= m[y * 100 + x] === 1;
        expect(painted, `${shape} column ${x}`).toBe(true);
      }
    }
  });

  it('clips at the image borders and handles a 1-pixel image', () => {
    const m = blank(4, 4);
    const r = paintSegment(m, 4, 4, -10, -10, 0, 0, { size: 5, shape: 'round', value: 1, protect: false });
    expect(r).toEqual({ x0: 0, y0: 0, x1: 3, y1: 3 });
    expect(m[0]).toBe(1);
    const one = blank(1, 1);
    const [cx, cy] = brushCentre(0.2, 0.9, 40);
    paintSegment(one, 1, 1, cx, cy, cx, cy, { size: 40, shape: 'square', value: 7, protect: false });
    expect(one[0]).toBe(7);
    const outside = blank(3, 3);
    expect(paintSegment(outside, 3, 3, 50, 50, 60, 60, { size: 3, shape: 'round', value: 1, protect: false }).x1).toBe(0);
    expect(count(outside, 255)).toBe(9);
  });

  it('protect paints only unlabeled pixels', () => {
    const m = blank(5, 1);
    m[2] = 4;
    paintSegment(m, 5, 1, 0.5, 0.5, 4.5, 0.5, { size: 1, shape: 'round', value: 1, protect: true });
    expect(Array.from(m)).toEqual([1, 1, 4, 1, 1]);
  });
});
