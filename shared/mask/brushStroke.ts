import { clipRect, EMPTY_RECT, type MaskRect } from './maskRect';

export type BrushShape = 'round' | 'square';

export interface BrushOptions {
  /** Diameter (round) or side (square) in pixels, at least 1. */
  size: number;
  shape: BrushShape;
  /** Value written: a class value, or 255 to erase. */
  value: number;
  /** Only paint pixels that are currently `protectedUnless` (unlabeled): existing labels are kept. */
  protect: boolean;
}

const UNLABELED = 255;

/**
 * Where a brush of `size` is centred for a pointer at (x, y): odd sizes centre on the pixel under
 * the pointer, even sizes on the nearest pixel corner, so a size-n brush always covers n pixels
 * across and a 1-pixel brush paints exactly the pixel under the pointer.
 */
export function brushCentre(x: number, y: number, size: number): [number, number] {
  const s = Math.max(1, Math.round(size));
  return s % 2 === 1 ? [Math.floor(x) + 0.5, Math.floor(y) + 0.5] : [Math.round(x), Math.round(y)];
}

/** The pixels a stroke segment from centre A to centre B can touch, clipped to the raster. */
export function segmentBounds(ax: number, ay: number, bx: number, by: number, size: number, width: number, height: number): MaskRect {
  const r = Math.max(1, Math.round(size)) / 2;
  return clipRect({ x0: Math.min(ax, bx) - r, y0: Math.min(ay, by) - r, x1: Math.max(ax, bx) + r, y1: Math.max(ay, by) + r }, width, height);
}

/**
 * Paints the swept brush from centre A to centre B (as returned by brushCentre): a capsule for
 * round tips, the union of squares along the segment for square tips, so fast pointer moves leave
 * no gaps. A = B stamps once. Returns the rectangle it may have changed (clipped to the raster).
 */
export function paintSegment(target: Uint8Array, width: number, height: number, ax: number, ay: number, bx: number, by: number, o: BrushOptions): MaskRect {
  const bounds = segmentBounds(ax, ay, bx, by, o.size, width, height);
  if (bounds === EMPTY_RECT) return EMPTY_RECT;
  const size = Math.max(1, Math.round(o.size));
  const r = size / 2;
  const { value, protect } = o;
  if (o.shape === 'round') {
    // A pixel is inside when its centre lies within r of the segment (the radius trimmed a hair so
    // that discs are symmetric and a 1-pixel brush stays 1 pixel).
    const r2 = r * r - 1e-9;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = bounds.y0; y < bounds.y1; y++) {
      const py = y + 0.5;
      const row = y * width;
      for (let x = bounds.x0; x < bounds.x1; x++) {
        const px = x + 0.5;
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - (ax + t * dx);
        const ey = py - (ay + t * dy);
        if (ex * ex + ey * ey <= r2) {
          const i = row + x;
          if (!protect || target[i] === UNLABELED) target[i] = value;
        }
      }
    }
    return bounds;
  }
  // Square tips: stamp at steps of at most one pixel along the segment.
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay))));
  for (let s = 0; s <= steps; s++) {
    const cx = ax + ((bx - ax) * s) / steps;
    const cy = ay + ((by - ay) * s) / steps;
    const x0 = Math.max(0, Math.round(cx - r));
    const y0 = Math.max(0, Math.round(cy - r));
    const x1 = Math.min(width, Math.round(cx - r) + size);
    const y1 = Math.min(height, Math.round(cy - r) + size);
    for (let y = y0; y < y1; y++) {
      const row = y * width;
      if (protect) {
        for (let x = x0; x < x1; x++) if (target[row + x] === UNLABELED) target[row + x] = value;
      } else if (x1 > x0) target.fill(value, row + x0, row + x1);
    }
  }
  return bounds;
}
