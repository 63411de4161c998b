import { encode as encodePng } from 'fast-png';
import sharp, { type PngOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeUntrustedMaskPng } from '../../../../electron/imaging/untrustedMaskPng';
import { pngInflatingTo } from '../../../fixtures/images';

const W = 37;
const H = 23;
const values = Uint8Array.from({ length: W * H }, (_, i) => (i * 7) % 5);

describe('decodeUntrustedMaskPng', () => {
  it('passes every legitimate layout under the inflation cap: interlaced, palette, RGB, 1-bit', async () => {
    const grey = (options: PngOptions) => sharp(Buffer.from(values), { raw: { width: W, height: H, channels: 1 } }).png(options).toBuffer();
    const rgb = Buffer.from(Array.from(values).flatMap((v) => [v, v, v]));
    const layouts: Record<string, Uint8Array> = {
      interlaced: await grey({ progressive: true }),
      plain: await grey({}),
      rgb: await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer(),
      rgbInterlaced: await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png({ progressive: true }).toBuffer(),
    };
    for (const [name, png] of Object.entries(layouts)) expect(decodeUntrustedMaskPng(png, { width: W, height: H }).values, name).toEqual(values);
    const bits = Uint8Array.from({ length: W * H }, (_, i) => i % 2);
    const packed = new Uint8Array(Math.ceil(W / 8) * H);
    bits.forEach((b, i) => {
      const x = i % W;
      const y = Math.floor(i / W);
      packed[y * Math.ceil(W / 8) + (x >> 3)] |= b << (7 - (x & 7));
    });
    const oneBit = encodePng({ width: W, height: H, data: packed, channels: 1, depth: 1 });
    expect(decodeUntrustedMaskPng(oneBit, { width: W, height: H }).values).toEqual(bits);
  });

  it('refuses pixel data that inflates past what the header allows', () => {
    expect(() => decodeUntrustedMaskPng(pngInflatingTo(W, H, W * H + H + 10_000), { width: W, height: H })).toThrow(/inflates to more than/);
  });
});
