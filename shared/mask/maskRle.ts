/**
 * Run-length coding of a byte raster for the editor's undo history: label masks are long runs of
 * one value, so a stroke's before/after pixels shrink by one to three orders of magnitude.
 * Format: repeated (value byte, run length as LEB128 varint).
 */
export function encodeRle(values: Uint8Array): Uint8Array {
  let out = new Uint8Array(Math.max(16, values.length >> 4));
  let n = 0;
  const ensure = (extra: number) => {
    if (n + extra <= out.length) return;
    const grown = new Uint8Array(Math.max(out.length * 2, n + extra));
    grown.set(out.subarray(0, n));
    out = grown;
  };
  // Long runs are scanned four bytes at a time where the raster is 4-byte aligned.
  const words = values.byteOffset % 4 === 0 ? values.length >> 2 : 0;
  const v32 = words ? new Uint32Array(values.buffer, values.byteOffset, words) : null;
  let i = 0;
  while (i < values.length) {
    const v = values[i];
    let j = i + 1;
    while (j < values.length && values[j] === v) {
      j++;
      if ((j & 3) === 0 && v32) {
        const word = (v * 0x01010101) >>> 0;
        while (j >> 2 < words && v32[j >> 2] === word) j += 4;
      }
    }
    let run = j - i;
    ensure(6);
    out[n++] = v;
    while (run >= 0x80) {
      out[n++] = (run & 0x7f) | 0x80;
      run >>>= 7;
    }
    out[n++] = run;
    i = j;
  }
  return out.slice(0, n);
}

/** Decodes into `target` (or a new array of `length`); throws when the runs do not add up to it. */
export function decodeRle(encoded: Uint8Array, length: number, target: Uint8Array = new Uint8Array(length)): Uint8Array {
  let p = 0;
  let i = 0;
  while (p < encoded.length) {
    const v = encoded[p++];
    let run = 0;
    let shift = 0;
    let b: number;
    do {
      b = encoded[p++];
      run += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (i + run > length) throw new Error('RLE runs exceed the raster');
    target.fill(v, i, i + run);
    i += run;
  }
  if (i !== length) throw new Error(`RLE covers ${i} of ${length} pixels`);
  return target;
}
