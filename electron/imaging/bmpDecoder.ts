import { ImageRejected } from './imageRejected';

/** What a BMP's headers say, read before any pixel is touched (so the size can be checked first). */
export interface BmpHeader {
  width: number;
  /** Rows, always positive; `topDown` says the file stores the top row first (negative height). */
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  pixelOffset: number;
  /** Bytes per stored row (rows are padded to 4 bytes). */
  stride: number;
  /** Palette entries as RGB, for 1/4/8-bit images. */
  palette: Uint8Array | null;
  /** Channel masks (red, green, blue) for 16 and 32-bit pixels. */
  masks: [number, number, number] | null;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const COMPRESSION_NAMES: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG' };

/**
 * Reads a BMP's headers (Windows BITMAPINFOHEADER and its V4/V5 successors, or the old OS/2
 * core header). sharp cannot read BMP at all, and the decoder we had read a negative height as
 * four billion rows; this one knows both row orders, palettes and bit fields.
 */
export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new ImageRejected('corrupt', 'not a BMP file (no BM signature)');
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && (headerSize < 40 || bytes.length < 14 + 40)) throw new ImageRejected('corrupt', `BMP header of ${headerSize} bytes is not one this reader knows`);
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const signedHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  if (width <= 0 || signedHeight === 0 || signedHeight === -2147483648) throw new ImageRejected('corrupt', `BMP header gives an impossible size (${width}×${signedHeight})`);
  if (COMPRESSION_NAMES[compression]) throw new ImageRejected('unsupported', `${COMPRESSION_NAMES[compression]}-compressed BMP is not supported (uncompressed BMPs are)`);
  if (![BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS].includes(compression)) throw new ImageRejected('corrupt', `unknown BMP compression ${compression}`);
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw new ImageRejected('unsupported', `${bitsPerPixel}-bit BMP is not supported (1, 4, 8, 16, 24 and 32-bit are)`);

  let palette: Uint8Array | null = null;
  if (bitsPerPixel <= 8) {
    const entrySize = core ? 3 : 4;
    const used = core ? 0 : view.getUint32(46, true);
    const count = Math.min(used || 2 ** bitsPerPixel, 2 ** bitsPerPixel);
    const start = 14 + headerSize;
    if (start + count * entrySize > bytes.length) throw new ImageRejected('corrupt', 'the BMP palette is cut short');
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < count; i++) palette.set([bytes[start + i * entrySize + 2], bytes[start + i * entrySize + 1], bytes[start + i * entrySize]], i * 3);
  }
  let masks: BmpHeader['masks'] = null;
  if (bitsPerPixel === 16 || bitsPerPixel === 32) {
    if (compression === BI_RGB) masks = bitsPerPixel === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0xff00, 0xff];
    else {
      if (bytes.length < 54 + 12) throw new ImageRejected('corrupt', 'the BMP bit fields are cut short');
      masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
      if (masks.some((m) => m === 0)) throw new ImageRejected('corrupt', 'a BMP colour mask is empty');
    }
  }
  const height = Math.abs(signedHeight);
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  return { width, height, topDown: signedHeight < 0, bitsPerPixel, pixelOffset, stride, palette, masks };
}

/** Decodes the pixels to RGB, top row first. The caller has checked the size from the header. */
export function decodeBmp(bytes: Uint8Array, header: BmpHeader): Uint8Array {
  const rgb = allocateBmpPixels(bytes, header);
  decodeBmpRows(bytes, header, rgb, 0, header.height);
  return rgb;
}

/**
 * decodeBmp in bands of rows with the event loop let through between them: a large BMP is
 * decoded here in JavaScript (sharp cannot read BMP), and the backend must keep answering meanwhile.
 */
export async function decodeBmpInBands(bytes: Uint8Array, header: BmpHeader, bandPixels = 1 << 20): Promise<Uint8Array> {
  const rgb = allocateBmpPixels(bytes, header);
  const rows = Math.max(1, Math.floor(bandPixels / header.width));
  for (let y = 0; y < header.height; y += rows) {
    decodeBmpRows(bytes, header, rgb, y, Math.min(header.height, y + rows));
    if (y + rows < header.height) await new Promise((resolve) => setImmediate(resolve));
  }
  return rgb;
}

function allocateBmpPixels(bytes: Uint8Array, header: BmpHeader): Uint8Array {
  const { width, height, stride, bitsPerPixel, pixelOffset } = header;
  if (pixelOffset + stride * (height - 1) + Math.ceil((width * bitsPerPixel) / 8) > bytes.length) {
    throw new ImageRejected('corrupt', `the BMP's pixel data is cut short (${width}×${height} needs ${stride * height} bytes)`);
  }
  return new Uint8Array(width * height * 3);
}

function decodeBmpRows(bytes: Uint8Array, header: BmpHeader, rgb: Uint8Array, fromRow: number, toRow: number): void {
  const { width, height, stride, bitsPerPixel, pixelOffset, palette, masks } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const channels = masks?.map(maskShape);
  for (let y = fromRow; y < toRow; y++) {
    const row = pixelOffset + stride * (header.topDown ? y : height - 1 - y);
    let out = y * width * 3;
    for (let x = 0; x < width; x++, out += 3) {
      if (palette) {
        const bit = x * bitsPerPixel;
        const index = (bytes[row + (bit >> 3)] >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1);
        rgb[out] = palette[index * 3];
        rgb[out + 1] = palette[index * 3 + 1];
        rgb[out + 2] = palette[index * 3 + 2];
      } else if (bitsPerPixel === 24) {
        const p = row + x * 3;
        rgb[out] = bytes[p + 2];
        rgb[out + 1] = bytes[p + 1];
        rgb[out + 2] = bytes[p];
      } else {
        const value = bitsPerPixel === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        for (let c = 0; c < 3; c++) {
          const { mask, shift, max } = channels![c];
          rgb[out + c] = Math.round((((value & mask) >>> shift) * 255) / max);
        }
      }
    }
  }
}

/** A bit-field mask as a shift and a maximum, to scale any field width to 0–255. */
function maskShape(mask: number): { mask: number; shift: number; max: number } {
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask, shift, max: mask >>> shift };
}
