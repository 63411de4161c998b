import { crc32 } from 'node:zlib';
import { pngChunk as chunk } from './pngEncoder';

/**
 * The project stores masks as 8-bit grey, non-interlaced PNGs. For png-gray (unlabeled = 255)
 * that file is already the export, and for png-index the compressed pixel data is identical:
 * only the colour type in IHDR and a PLTE chunk differ. So these exports rewrite a few chunk
 * bytes instead of decoding and re-compressing every mask. Returns null for any other PNG
 * layout, and the caller then decodes and encodes.
 */
export function storedMaskAsExport(png: Uint8Array, palette?: Uint8Array): Buffer | null {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 33 || bytes.readUInt32BE(12) !== 0x49484452) return null; // 'IHDR' first
  const depth = bytes[24];
  const colourType = bytes[25];
  const interlace = bytes[28];
  if (depth !== 8 || colourType !== 0 || interlace !== 0) return null;
  if (!palette) return bytes;

  const parts: Buffer[] = [bytes.subarray(0, 8)];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) return null;
    if (type === 'IHDR') {
      const ihdr = Buffer.from(bytes.subarray(offset, end));
      ihdr[8 + 9] = 3; // colour type: palette
      ihdr.writeUInt32BE(crc32(ihdr.subarray(4, 8 + length)), 8 + length);
      parts.push(ihdr, chunk('PLTE', Buffer.from(palette.buffer, palette.byteOffset, 256 * 3)));
    } else if (type === 'IDAT' || type === 'IEND') {
      parts.push(bytes.subarray(offset, end));
    }
    offset = end;
  }
  return Buffer.concat(parts);
}
