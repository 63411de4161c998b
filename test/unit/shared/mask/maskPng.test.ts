import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { countClasses, decodeMaskPng, encodeMaskPng, normaliseMaskValues } from '../../../../shared/mask/maskPng';

describe('decodeMaskPng', () => {
  it('round-trips an 8-bit grey mask', () => {
    const values = new Uint8Array([0, 1, 2, 255, 254, 3]);
    const back = decodeMaskPng(encodeMaskPng({ width: 3, height: 2, values }));
    expect(back).toMatchObject({ width: 3, height: 2 });
    expect([...back.values]).toEqual([...values]);
  });

  it('reads palette PNGs as indices, never colours', () => {
    const png = encode({ width: 2, height: 1, data: new Uint8Array([1, 2]), channels: 1, depth: 8, palette: [[0, 0, 0], [128, 0, 0], [0, 128, 0]] });
    expect([...decodeMaskPng(png).values]).toEqual([1, 2]);
  });

  it('unpacks 4-bit and 1-bit images', () => {
    // Two rows of three 4-bit pixels: each row is 2 bytes (the last nibble is padding).
    const png4 = encode({ width: 3, height: 2, data: new Uint8Array([0x12, 0x30, 0xf0, 0xa0]), channels: 1, depth: 4, palette: Array.from({ length: 16 }, () => [0, 0, 0]) });
    expect([...decodeMaskPng(png4).values]).toEqual([1, 2, 3, 15, 0, 10]);
    const png1 = encode({ width: 9, height: 1, data: new Uint8Array([0b10100000, 0b10000000]), channels: 1, depth: 1 });
    expect([...decodeMaskPng(png1).values]).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('accepts grey saved as RGB and refuses real colour with the pixel named', () => {
    const grey = encode({ width: 2, height: 1, data: new Uint8Array([4, 4, 4, 9, 9, 9]), channels: 3, depth: 8 });
    expect([...decodeMaskPng(grey).values]).toEqual([4, 9]);
    const colour = encode({ width: 2, height: 1, data: new Uint8Array([4, 4, 4, 9, 0, 9]), channels: 3, depth: 8 });
    expect(() => decodeMaskPng(colour)).toThrow(/colour PNG \(pixel 1,0 is rgb\(9,0,9\)\)/);
  });

  it('refuses 16-bit masks and non-PNG bytes', () => {
    const png16 = encode({ width: 1, height: 1, data: new Uint16Array([300]), channels: 1, depth: 16 });
    expect(() => decodeMaskPng(png16)).toThrow(/16-bit/);
    expect(() => decodeMaskPng(new Uint8Array([1, 2, 3]))).toThrow(/not a readable PNG/);
  });
});

describe('normaliseMaskValues and countClasses', () => {
  it('maps the ignore index to 255 and reports unknown values with counts', () => {
    const { values, unknown } = normaliseMaskValues(new Uint8Array([0, 11, 3, 200, 200, 255]), new Set([0, 3]), [11]);
    expect([...values.subarray(0, 3)]).toEqual([0, 255, 3]);
    expect(values[5]).toBe(255);
    expect([...unknown]).toEqual([[200, 2]]);
  });

  it('counts labeled pixels per class, never 255', () => {
    const { counts, labeledPixels } = countClasses(new Uint8Array([0, 0, 5, 255, 255]));
    expect([...counts]).toEqual([
      [0, 2],
      [5, 1],
    ]);
    expect(labeledPixels).toBe(3);
  });

  it('handles a one-pixel mask', () => {
    expect([...decodeMaskPng(encodeMaskPng({ width: 1, height: 1, values: new Uint8Array([7]) })).values]).toEqual([7]);
  });
});
