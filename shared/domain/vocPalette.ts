/**
 * The PASCAL VOC colour map (the devkit's `bitget` construction) for indices 0..255.
 * Index 255 comes out as (224, 224, 192), VOC's boundary/void colour.
 */
export function vocPalette(): Uint8Array {
  const palette = new Uint8Array(256 * 3);
  for (let index = 0; index < 256; index++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let c = index;
    for (let bit = 7; bit >= 0; bit--) {
      r |= (c & 1) << bit;
      g |= ((c >> 1) & 1) << bit;
      b |= ((c >> 2) & 1) << bit;
      c >>= 3;
    }
    palette.set([r, g, b], index * 3);
  }
  return palette;
}
