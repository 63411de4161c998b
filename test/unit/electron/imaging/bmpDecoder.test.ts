import { describe, expect, it } from 'vitest';
import { decodeBmp, decodeBmpInBands, readBmpHeader } from '../../../../electron/imaging/bmpDecoder';
import { ImageRejected } from '../../../../electron/imaging/imageReader';
import { bmpBytes, bmpHeaderOnly, gradientPixels } from '../../../fixtures/images';

const rgb = (w: number, h: number, seed: number) => new Uint8Array(gradientPixels(w, h, seed));

/** A few colours only, so an 8-bit palette can hold them. */
function fewColours(w: number, h: number): Uint8Array {
  const colours = [[255, 0, 0], [0, 128, 255], [10, 200, 30], [250, 250, 250]];
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) out.set(colours[(i * 7 + Math.floor(i / w)) % 4], i * 3);
  return out;
}

function rejection(fn: () => unknown): ImageRejected {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImageRejected) return err;
    throw err;
  }
  throw new Error('not rejected');
}

describe('BMP decoding', () => {
  for (const bitsPerPixel of [24, 32] as const) {
    for (const topDown of [false, true]) {
      it(`reads ${bitsPerPixel}-bit ${topDown ? 'top-down (negative height)' : 'bottom-up'} rows as RGB, top row first`, () => {
        const pixels = rgb(7, 5, 3);
        const bytes = bmpBytes({ width: 7, height: 5, rgb: pixels, bitsPerPixel, topDown });
        const header = readBmpHeader(bytes);
        expect(header).toMatchObject({ width: 7, height: 5, topDown });
        expect(decodeBmp(bytes, header)).toEqual(pixels);
      });
    }
  }

  it('maps 8-bit indices through the palette (colours, not grey levels)', () => {
    const pixels = fewColours(9, 4);
    const bytes = bmpBytes({ width: 9, height: 4, rgb: pixels, bitsPerPixel: 8, topDown: true });
    expect(decodeBmp(bytes, readBmpHeader(bytes))).toEqual(pixels);
  });

  it('unpacks 1 and 4-bit palettes and scales 16-bit 5-5-5 channels to 0–255', () => {
    const two = new Uint8Array(13 * 3 * 3).map((_, i) => (Math.floor(i / 3) % 3 === 0 ? 255 : 0)); // every third pixel white
    const oneBit = bmpBytes({ width: 13, height: 3, rgb: two, bitsPerPixel: 1 });
    expect(decodeBmp(oneBit, readBmpHeader(oneBit))).toEqual(two);
    const four = fewColours(11, 5);
    const fourBit = bmpBytes({ width: 11, height: 5, rgb: four, bitsPerPixel: 4, topDown: true });
    expect(decodeBmp(fourBit, readBmpHeader(fourBit))).toEqual(four);
    const pixels = rgb(6, 4, 2);
    const sixteen = bmpBytes({ width: 6, height: 4, rgb: pixels, bitsPerPixel: 16 });
    const decoded = decodeBmp(sixteen, readBmpHeader(sixteen));
    // 5 bits per channel: each value within one step (255 / 31) of the original.
    decoded.forEach((v, i) => expect(Math.abs(v - pixels[i]), `byte ${i}`).toBeLessThanOrEqual(9));
  });

  it('decodes in bands of rows the same pixels as in one go', async () => {
    const pixels = rgb(13, 11, 6);
    for (const topDown of [false, true]) {
      const bytes = bmpBytes({ width: 13, height: 11, rgb: pixels, bitsPerPixel: 24, topDown });
      expect(await decodeBmpInBands(bytes, readBmpHeader(bytes), 13 * 3)).toEqual(pixels);
    }
  });

  it('reads the size from the header alone, before any pixel is allocated', () => {
    const header = readBmpHeader(bmpHeaderOnly(60_000, -50_000));
    expect(header).toMatchObject({ width: 60_000, height: 50_000, topDown: true });
  });

  it('calls a file whose pixel data is cut short corrupt, and compressed BMPs unsupported', () => {
    const bytes = bmpBytes({ width: 8, height: 8, rgb: rgb(8, 8, 1), bitsPerPixel: 24 });
    expect(rejection(() => decodeBmp(bytes.subarray(0, 100), readBmpHeader(bytes.subarray(0, 100)))).reason).toBe('corrupt');
    const rle = Buffer.from(bytes);
    rle.writeUInt32LE(1, 30); // BI_RLE8
    expect(rejection(() => readBmpHeader(rle))).toMatchObject({ reason: 'unsupported' });
    expect(rejection(() => readBmpHeader(Buffer.from('BMnot a bitmap at all'))).reason).toBe('corrupt');
  });
});
