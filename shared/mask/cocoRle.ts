/**
 * COCO run-length encoding, as pycocotools reads it: runs over the mask in column-major
 * (Fortran) order, alternating 0s and 1s and starting with a run of 0s (possibly empty).
 * `counts` is either that list of numbers ("uncompressed RLE") or pycocotools' compressed
 * string (LEB128-like, 5 bits a character, offset 48, each count after the second stored as the
 * difference to the count two before). We write the compressed string form.
 */

export interface CocoRle {
  size: [height: number, width: number];
  counts: string | number[];
}

/** Runs of a binary mask given row-major as `predicate(values[i])`, in column-major order. */
export function rleCounts(values: Uint8Array, width: number, height: number, inside: (v: number) => boolean): number[] {
  const counts: number[] = [];
  let current = false;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = inside(values[y * width + x]);
      if (v !== current) {
        counts.push(run);
        run = 0;
        current = v;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

export function compressCounts(counts: number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

export function decompressCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error('RLE string ends inside a count');
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`RLE string has an invalid character at ${p}`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign extension
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** Paints `value` into a row-major raster wherever the RLE is 1. Throws if the runs do not cover the image exactly. */
export function paintRle(rle: CocoRle, target: Uint8Array, width: number, height: number, value: number): number {
  if (rle.size[0] !== height || rle.size[1] !== width) {
    throw new Error(`RLE size ${rle.size[1]}×${rle.size[0]} differs from the image's ${width}×${height}`);
  }
  const counts = typeof rle.counts === 'string' ? decompressCounts(rle.counts) : rle.counts;
  let index = 0;
  let painted = 0;
  for (let r = 0; r < counts.length; r++) {
    const end = index + counts[r];
    if (counts[r] < 0 || end > width * height) throw new Error('RLE runs go past the end of the image');
    if (r % 2 === 1) {
      for (let i = index; i < end; i++) {
        const x = Math.floor(i / height);
        const y = i - x * height;
        target[y * width + x] = value;
      }
      painted += end - index;
    }
    index = end;
  }
  if (index !== width * height) throw new Error(`RLE covers ${index} of ${width * height} pixels`);
  return painted;
}

/** Area and `[x, y, w, h]` bounding box of the 1-pixels, as pycocotools' area() and toBbox() give them. */
export function rleAreaAndBbox(counts: number[], height: number): { area: number; bbox: [number, number, number, number] } {
  let index = 0;
  let area = 0;
  let xMin = Infinity;
  let yMin = Infinity;
  let xMax = -Infinity;
  let yMax = -Infinity;
  for (let r = 0; r < counts.length; r++) {
    const start = index;
    index += counts[r];
    if (r % 2 === 0 || counts[r] === 0) continue;
    area += counts[r];
    const end = index - 1;
    const x0 = Math.floor(start / height);
    const x1 = Math.floor(end / height);
    xMin = Math.min(xMin, x0);
    xMax = Math.max(xMax, x1);
    if (x1 > x0) {
      // A run that wraps into the next column touches the bottom row of one and the top row of the next.
      yMin = 0;
      yMax = height - 1;
    } else {
      yMin = Math.min(yMin, start % height);
      yMax = Math.max(yMax, end % height);
    }
  }
  if (area === 0) return { area: 0, bbox: [0, 0, 0, 0] };
  return { area, bbox: [xMin, yMin, xMax - xMin + 1, yMax - yMin + 1] };
}
