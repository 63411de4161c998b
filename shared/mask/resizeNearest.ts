/** Nearest-neighbour resize of a one-value-per-pixel raster (masks must never blend classes). */
export function resizeNearest<T extends Uint8Array | Float32Array>(src: T, sw: number, sh: number, dw: number, dh: number): T {
  if (sw === dw && sh === dh) return src;
  const out = (src instanceof Float32Array ? new Float32Array(dw * dh) : new Uint8Array(dw * dh)) as T;
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    for (let x = 0; x < dw; x++) out[y * dw + x] = src[sy * sw + Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / dw))];
  }
  return out;
}
