import { decode as decodePng, encode as encodePng } from 'fast-png';
import { UNLABELED } from '../domain/classes';

export interface MaskRaster {
  width: number;
  height: number;
  /** One byte per pixel: the class value, 255 = unlabeled. */
  values: Uint8Array;
}

export class MaskFormatError extends Error {}

/**
 * Decodes a label mask PNG to pixel values: 8-bit grey, or palette indices (never the palette's
 * colours), or an RGB(A) image whose channels are all equal (grey saved as colour). 1/2/4-bit
 * grey or palette images are unpacked. Anything else is refused rather than guessed.
 */
export function decodeMaskPng(bytes: Uint8Array): MaskRaster {
  let png;
  try {
    png = decodePng(bytes);
  } catch (err) {
    throw new MaskFormatError(`not a readable PNG (${(err as Error).message})`);
  }
  const { width, height, channels, depth } = png;
  const pixels = width * height;
  if (depth === 16) throw new MaskFormatError('16-bit PNG: masks must be 8-bit (pixel value = class index)');
  if (channels === 1 && depth === 8) return { width, height, values: new Uint8Array(png.data.buffer, png.data.byteOffset, pixels) };
  if (channels === 1) return { width, height, values: unpackBits(png.data as Uint8Array, width, height, depth) };
  if (channels === 2 || channels === 3 || channels === 4) {
    const data = png.data as Uint8Array;
    const values = new Uint8Array(pixels);
    const colourChannels = channels === 2 ? 1 : 3;
    for (let i = 0, p = 0; i < pixels; i++, p += channels) {
      const v = data[p];
      if (colourChannels === 3 && (data[p + 1] !== v || data[p + 2] !== v)) {
        throw new MaskFormatError(
          `colour PNG (pixel ${i % width},${Math.floor(i / width)} is rgb(${v},${data[p + 1]},${data[p + 2]})): label masks hold class indices; import colour masks with the png-color format`,
        );
      }
      values[i] = v;
    }
    return { width, height, values };
  }
  throw new MaskFormatError(`unsupported PNG layout (${channels} channels, ${depth}-bit)`);
}

/** A PNG's size as its IHDR chunk states it, read without inflating anything. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const ihdr = [0x49, 0x48, 0x44, 0x52];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b) || ihdr.some((b, i) => bytes[12 + i] !== b)) {
    throw new MaskFormatError('not a readable PNG (no PNG signature and header)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const values = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      values[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return values;
}

/** Encodes values as an 8-bit single-channel PNG (what the project stores). */
export function encodeMaskPng(mask: MaskRaster): Uint8Array {
  return encodePng({ width: mask.width, height: mask.height, data: mask.values, channels: 1, depth: 8 });
}

/** Pixels per class value (255 excluded) and the number of labeled pixels. */
export function countClasses(values: Uint8Array): { counts: Map<number, number>; labeledPixels: number } {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < values.length; i++) histogram[values[i]]++;
  const counts = new Map<number, number>();
  let labeledPixels = 0;
  for (let v = 0; v < 255; v++) {
    if (histogram[v] > 0) {
      counts.set(v, histogram[v]);
      labeledPixels += histogram[v];
    }
  }
  return { counts, labeledPixels };
}

/**
 * Maps a mask as users bring it onto the project's values: the ignore values become 255, and values
 * that are neither a class nor ignored are reported (with pixel counts) instead of stored.
 */
export function normaliseMaskValues(
  values: Uint8Array,
  classValues: ReadonlySet<number>,
  ignoreValues: readonly number[],
): { values: Uint8Array; unknown: Map<number, number> } {
  // A lookup table keeps this one pass of array reads, fast enough for 12-megapixel masks.
  const UNKNOWN = 256;
  const lut = new Uint16Array(256).fill(UNKNOWN);
  for (const v of classValues) lut[v] = v;
  lut[UNLABELED] = UNLABELED;
  for (const v of ignoreValues) lut[v] = UNLABELED;
  const out = new Uint8Array(values.length);
  const unknownHistogram = new Uint32Array(256);
  for (let i = 0; i < values.length; i++) {
    const mapped = lut[values[i]];
    if (mapped === UNKNOWN) unknownHistogram[values[i]]++;
    else out[i] = mapped;
  }
  const unknown = new Map<number, number>();
  unknownHistogram.forEach((n, v) => n > 0 && unknown.set(v, n));
  return { values: out, unknown };
}
