/**
 * Fills a polygon given as COCO's flat `[x0, y0, x1, y1, …]` into a row-major raster: a pixel is
 * inside when its centre is (even-odd rule), the convention of scanline rasterisers. Pixels at
 * the image border are handled like any other; parts outside the image are clipped.
 */
export function fillPolygon(target: Uint8Array, width: number, height: number, flat: number[], value: number): number {
  const n = Math.floor(flat.length / 2);
  if (n < 3) return 0;
  let painted = 0;
  const xs: number[] = [];
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = flat[2 * i + 1];
      const yj = flat[2 * j + 1];
      if (yi > cy !== yj > cy) {
        const xi = flat[2 * i];
        const xj = flat[2 * j];
        xs.push(xi + ((cy - yi) * (xj - xi)) / (yj - yi));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Pixel x is inside when its centre x + 0.5 lies in [xs[k], xs[k+1]).
      const from = Math.max(0, Math.ceil(xs[k] - 0.5));
      const to = Math.min(width - 1, Math.ceil(xs[k + 1] - 0.5) - 1);
      for (let x = from; x <= to; x++) {
        target[y * width + x] = value;
        painted++;
      }
    }
  }
  return painted;
}
