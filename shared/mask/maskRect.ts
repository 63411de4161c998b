/** A pixel rectangle, half-open: x in [x0, x1), y in [y0, y1). Empty when x1 <= x0 or y1 <= y0. */
export interface MaskRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const EMPTY_RECT: MaskRect = Object.freeze({ x0: 0, y0: 0, x1: 0, y1: 0 });

export function isEmptyRect(r: MaskRect): boolean {
  return r.x1 <= r.x0 || r.y1 <= r.y0;
}

export function rectArea(r: MaskRect): number {
  return isEmptyRect(r) ? 0 : (r.x1 - r.x0) * (r.y1 - r.y0);
}

export function unionRect(a: MaskRect, b: MaskRect): MaskRect {
  if (isEmptyRect(a)) return b;
  if (isEmptyRect(b)) return a;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

/** `r` clipped to a width × height raster (integer bounds, outward-rounded first). */
export function clipRect(r: MaskRect, width: number, height: number): MaskRect {
  const c = {
    x0: Math.max(0, Math.floor(r.x0)),
    y0: Math.max(0, Math.floor(r.y0)),
    x1: Math.min(width, Math.ceil(r.x1)),
    y1: Math.min(height, Math.ceil(r.y1)),
  };
  return isEmptyRect(c) ? EMPTY_RECT : c;
}

/** Copies the pixels of `r` out of a row-major raster. */
export function readRect(values: Uint8Array, width: number, r: MaskRect): Uint8Array {
  const w = r.x1 - r.x0;
  const out = new Uint8Array(rectArea(r));
  for (let y = r.y0; y < r.y1; y++) out.set(values.subarray(y * width + r.x0, y * width + r.x1), (y - r.y0) * w);
  return out;
}

/** Writes `pixels` (the size of `r`, row-major) into a raster. */
export function writeRect(values: Uint8Array, width: number, r: MaskRect, pixels: Uint8Array): void {
  const w = r.x1 - r.x0;
  for (let y = r.y0; y < r.y1; y++) values.set(pixels.subarray((y - r.y0) * w, (y - r.y0 + 1) * w), y * width + r.x0);
}
