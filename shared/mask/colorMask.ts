import { UNLABELED } from '../domain/classes';

export type Rgb = readonly [number, number, number];

/** Paints each class value in its colour (RGB, 3 bytes a pixel); unlabeled pixels get `unlabeled`. */
export function maskToRgb(values: Uint8Array, colours: ReadonlyMap<number, Rgb>, unlabeled: Rgb): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let v = 0; v < 256; v++) lut.set(unlabeled, v * 3);
  for (const [v, rgb] of colours) lut.set(rgb, v * 3);
  const out = new Uint8Array(values.length * 3);
  for (let i = 0, o = 0; i < values.length; i++, o += 3) {
    const l = values[i] * 3;
    out[o] = lut[l];
    out[o + 1] = lut[l + 1];
    out[o + 2] = lut[l + 2];
  }
  return out;
}

/**
 * Maps an RGB(A) image back to class values by exact colour. Colours that are neither a class
 * nor the unlabeled colour are counted and reported, never guessed.
 */
export function rgbToMask(
  pixels: Uint8Array,
  channels: 3 | 4,
  colours: ReadonlyMap<number, Rgb>,
  unlabeled: Rgb,
): { values: Uint8Array; unknown: Map<string, number> } {
  const byColour = new Map<number, number>();
  for (const [v, [r, g, b]] of colours) byColour.set((r << 16) | (g << 8) | b, v);
  byColour.set((unlabeled[0] << 16) | (unlabeled[1] << 8) | unlabeled[2], UNLABELED);
  const count = pixels.length / channels;
  const values = new Uint8Array(count);
  const unknownByKey = new Map<number, number>();
  for (let i = 0, p = 0; i < count; i++, p += channels) {
    const key = (pixels[p] << 16) | (pixels[p + 1] << 8) | pixels[p + 2];
    const v = byColour.get(key);
    if (v === undefined) {
      unknownByKey.set(key, (unknownByKey.get(key) ?? 0) + 1);
      values[i] = UNLABELED;
    } else {
      values[i] = v;
    }
  }
  const unknown = new Map<string, number>();
  for (const [key, n] of unknownByKey) unknown.set(`rgb(${key >> 16},${(key >> 8) & 255},${key & 255})`, n);
  return { values, unknown };
}
