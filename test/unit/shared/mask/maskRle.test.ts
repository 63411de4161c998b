import { describe, expect, it } from 'vitest';
import { decodeRle, encodeRle } from '../../../../shared/mask/maskRle';

describe('mask RLE', () => {
  it('round-trips empty, single, long and noisy rasters', () => {
    const cases = [new Uint8Array(0), Uint8Array.from([7]), new Uint8Array(1_000_000).fill(255), Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)];
    for (const values of cases) expect(Buffer.compare(decodeRle(encodeRle(values), values.length), values)).toBe(0);
  });

  it('codes a long uniform run in a few bytes', () => {
    expect(encodeRle(new Uint8Array(4000 * 3000)).length).toBeLessThanOrEqual(5);
  });

  it('refuses runs that do not add up to the raster', () => {
    const encoded = encodeRle(new Uint8Array(10));
    expect(() => decodeRle(encoded, 9)).toThrow();
    expect(() => decodeRle(encoded, 11)).toThrow();
  });

  it('codes the same bytes whether the raster is 4-byte aligned (word scan) or not (byte scan)', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const raster = new Uint8Array(5000);
    for (let i = 0; i < raster.length; ) {
      const run = 1 + Math.floor(random() * 40);
      raster.fill([0, 255, 7, 254][Math.floor(random() * 4)], i, i + run);
      i += run;
    }
    const unaligned = new Uint8Array(raster.length + 1).subarray(1);
    unaligned.set(raster);
    const encoded = encodeRle(raster);
    expect(encodeRle(unaligned)).toEqual(encoded);
    expect(decodeRle(encoded, raster.length)).toEqual(raster);
  });
});
