import { fillPolygon } from './polygonFill';
import { clipRect, EMPTY_RECT, isEmptyRect, type MaskRect } from './maskRect';

/** The raster rectangle a polygon (flat [x0, y0, x1, y1, …]) can cover, clipped to the image. */
export function polygonBounds(flat: readonly number[], width: number, height: number): MaskRect {
  if (flat.length < 6) return EMPTY_RECT;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    x0 = Math.min(x0, flat[i]);
    x1 = Math.max(x1, flat[i]);
    y0 = Math.min(y0, flat[i + 1]);
    y1 = Math.max(y1, flat[i + 1]);
  }
  return clipRect({ x0, y0, x1, y1 }, width, height);
}

/**
 * Fills a polygon or lasso (pixel centres inside, even-odd rule: the COCO rasteriser of
 * polygonFill.ts) with `value`; with `protect`, only unlabeled pixels change. Rasterises into a
 * scratch of the polygon's bounds only, so a small lasso on a 12-megapixel mask stays cheap.
 */
export function paintPolygon(target: Uint8Array, width: number, height: number, flat: readonly number[], value: number, protect: boolean): MaskRect {
  const b = polygonBounds(flat, width, height);
  if (isEmptyRect(b)) return EMPTY_RECT;
  const w = b.x1 - b.x0;
  const h = b.y1 - b.y0;
  const local = flat.map((v, i) => (i % 2 === 0 ? v - b.x0 : v - b.y0));
  const inside = new Uint8Array(w * h);
  fillPolygon(inside, w, h, local, 1);
  for (let y = 0; y < h; y++) {
    const row = (y + b.y0) * width + b.x0;
    for (let x = 0; x < w; x++) {
      if (inside[y * w + x] === 0) continue;
      if (!protect || target[row + x] === 255) target[row + x] = value;
    }
  }
  return b;
}
