import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { decodeBmpInBands, readBmpHeader } from './bmpDecoder';
import { ImageRejected } from './imageRejected';

export { ImageRejected } from './imageRejected';

/** Images above this many pixels are refused before decoding (decoding them would exhaust memory). */
export const MAX_IMAGE_PIXELS = 16_384 * 16_384;

export interface OpenedImage {
  /** The decoder, ready for .rotate(), .resize(), .raw() … */
  image: Sharp;
  /** The size as shown and labeled (after EXIF orientation). */
  width: number;
  height: number;
  /** sharp's format name, or 'bmp'. */
  format: string;
}

const isBmp = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;

/**
 * The one way every part of the studio opens an image file — import, the editor, training,
 * prediction and export — so that a format import accepts is one they all read. The size comes
 * from the headers and is checked before any pixel is decoded. BMP, which sharp cannot read, is
 * decoded here to raw RGB.
 */
export async function openImage(bytes: Buffer, maxPixels = MAX_IMAGE_PIXELS): Promise<OpenedImage> {
  if (isBmp(bytes)) {
    const header = readBmpHeader(bytes);
    checkPixels(header.width, header.height, maxPixels);
    const rgb = await decodeBmpInBands(bytes, header);
    const image = sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: header.width, height: header.height, channels: 3 } });
    return { image, width: header.width, height: header.height, format: 'bmp' };
  }
  // Our own limit (below) names the size; sharp's would only say it was exceeded.
  const image = sharp(bytes, { failOn: 'error', limitInputPixels: false });
  let meta;
  try {
    meta = await image.metadata();
  } catch (err) {
    throw sharpRejection(err as Error);
  }
  if (!meta.width || !meta.height) throw new ImageRejected('corrupt', 'the file has no image size');
  const { width, height } = meta.autoOrient ?? meta;
  checkPixels(width, height, maxPixels);
  if (!['jpeg', 'png', 'webp', 'tiff'].includes(meta.format ?? '')) {
    throw new ImageRejected('unsupported', `${meta.format ?? 'unknown'} images are not supported (JPEG, PNG, WebP, TIFF, BMP are)`);
  }
  return { image, width, height, format: meta.format! };
}

/** openImage for a file; errors name the file (a training run's failure must say which image). */
export async function openImageFile(path: string, maxPixels = MAX_IMAGE_PIXELS): Promise<OpenedImage> {
  try {
    return await openImage(await readFile(path), maxPixels);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
    const rejected = sharpRejection(err as Error);
    throw new ImageRejected(rejected.reason, `${path}: ${rejected.message}`);
  }
}

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new ImageRejected('too_large', `${width}×${height} is over the limit of ${(maxPixels / 1e6).toFixed(0)} megapixels`);
  }
}

/** A sharp failure in the words of an import report. */
export function sharpRejection(err: Error): ImageRejected {
  if (err instanceof ImageRejected) return err;
  const message = err.message.replace(/^Input (buffer|file) /, '');
  if (/exceeds pixel limit/i.test(message)) return new ImageRejected('too_large', message);
  // Only files with an image extension get here, so unreadable content means a damaged file.
  if (/unsupported image format/i.test(message)) return new ImageRejected('corrupt', 'the content is not a readable image');
  return new ImageRejected('corrupt', message);
}
