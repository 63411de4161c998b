import { deflateSync, crc32 } from 'node:zlib';

/**
 * A minimal PNG writer for 8-bit masks: grey (colour type 0) or palette (colour type 3). Written
 * here because palette indices must be exactly the class values (sharp's palette output
 * quantises colours and picks its own indices), and node's zlib keeps it as fast as libvips.
 */
export function encodeIndexedPng(values: Uint8Array, width: number, height: number, palette?: Uint8Array): Buffer {
  if (values.length !== width * height) throw new Error(`mask has ${values.length} pixels, expected ${width}×${height}`);
  // Each row is prefixed with filter type 0 (none): masks are flat regions that deflate well as they are.
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(values.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = palette ? 3 : 0; // colour type
  const chunks = [pngChunk('IHDR', ihdr)];
  if (palette) chunks.push(pngChunk('PLTE', Buffer.from(palette.buffer, palette.byteOffset, 256 * 3)));
  chunks.push(pngChunk('IDAT', deflateSync(raw, { level: 6 })), pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([PNG_SIGNATURE, ...chunks]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
