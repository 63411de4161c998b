import { constants, inflateSync } from 'node:zlib';
import { decodeMaskPng, MaskFormatError, pngSize, type MaskRaster } from '../../shared/mask/maskPng';

const CHANNELS_OF_COLOUR_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes a mask PNG from outside (a file being imported, an editor's save over the socket) that
 * must be `expected` in size. The size is checked from the header, and the pixel data is inflated
 * with a cap at the size the header implies before the decoder sees it: a PNG of a few kilobytes
 * can otherwise inflate to gigabytes on the backend's event loop.
 */
export function decodeUntrustedMaskPng(bytes: Uint8Array, expected: { width: number; height: number }): MaskRaster {
  const { width, height } = pngSize(bytes);
  if (width !== expected.width || height !== expected.height) {
    throw new MaskFormatError(`mask is ${width}×${height} but its image is ${expected.width}×${expected.height}`);
  }
  checkInflatedSize(bytes, width, height);
  return decodeMaskPng(bytes);
}

function checkInflatedSize(bytes: Uint8Array, width: number, height: number): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const depth = buffer[24];
  const channels = CHANNELS_OF_COLOUR_TYPE[buffer[25]] ?? 4;
  // One filter byte per row; interlaced images have at most 15/8 as many (shorter) rows, each
  // rounded up to a byte: the cap allows for that, and for nothing more.
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const cap = height * (rowBytes + 1) + 4 * height + 64;
  const idat: Buffer[] = [];
  for (let offset = 8; offset + 8 <= buffer.length; ) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(buffer.subarray(offset + 8, Math.min(buffer.length, offset + 8 + length)));
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: cap, finishFlush: constants.Z_SYNC_FLUSH }); // a cut-short stream is the decoder's to report
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new MaskFormatError(`the mask's pixel data inflates to more than its ${width}×${height} header allows (${cap} bytes): refused`);
    }
    // Other zlib errors (a damaged stream) are left for the decoder to report in its words.
  }
}
