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
});
