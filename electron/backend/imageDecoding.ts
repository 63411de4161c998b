import { decode as decodeBmp } from 'fast-bmp';
import sharp, { type Sharp } from 'sharp';

export const THUMBNAIL_SIZE = 256;

export interface DecodeLimits {
  /** Files above this many bytes are skipped before they are read. */
  maxBytes: number;
  /** Images above this many pixels are skipped (decoding them would exhaust memory). */
  maxPixels: number;
}

export const DEFAULT_LIMITS: DecodeLimits = { maxBytes: 1024 ** 3, maxPixels: 16_384 * 16_384 };

export interface InspectedImage {
  width: number;
  height: number;
  format: string;
  thumbnail: { mime: string; bytes: Uint8Array };
}

export class ImageRejected extends Error {
  constructor(
    readonly reason: 'corrupt' | 'unsupported' | 'too_large',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads an image's size (after EXIF orientation, as it is shown and labeled) and makes its
 * thumbnail. The thumbnail decodes every pixel, so a truncated or corrupt file is caught here.
 */
export async function inspectImage(bytes: Buffer, extension: string, limits: DecodeLimits): Promise<InspectedImage> {
  const input = extension === '.bmp' ? bmpToSharp(bytes) : sharp(bytes, { failOn: 'error', limitInputPixels: false }) // our own limit below names the size;
  let meta;
  try {
    meta = await input.metadata();
  } catch (err) {
    throw classifySharpError(err as Error);
  }
  if (!meta.width || !meta.height) throw new ImageRejected('corrupt', 'the file has no image size');
  const { width, height } = meta.autoOrient ?? meta;
  if (width * height > limits.maxPixels) {
    throw new ImageRejected('too_large', `${width}×${height} is over the limit of ${(limits.maxPixels / 1e6).toFixed(0)} megapixels`);
  }
  if (!['jpeg', 'png', 'webp', 'tiff', 'raw'].includes(meta.format ?? '')) {
    throw new ImageRejected('unsupported', `${meta.format ?? 'unknown'} images are not supported (JPEG, PNG, WebP, TIFF, BMP are)`);
  }
  try {
    const thumbnail = await input
      .rotate()
      .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 78 })
      .toBuffer();
    return { width, height, format: extension === '.bmp' ? 'bmp' : meta.format!, thumbnail: { mime: 'image/jpeg', bytes: thumbnail } };
  } catch (err) {
    throw classifySharpError(err as Error);
  }
}

/** sharp cannot read BMP: fast-bmp decodes it to raw pixels sharp takes. */
export function bmpToSharp(bytes: Buffer): Sharp {
  let bmp;
  try {
    bmp = decodeBmp(bytes);
  } catch (err) {
    throw new ImageRejected('corrupt', `unreadable BMP (${(err as Error).message})`);
  }
  const channels = bmp.channels as 1 | 2 | 3 | 4;
  if (bmp.bitsPerPixel === 1 || ![1, 3, 4].includes(channels)) {
    throw new ImageRejected('unsupported', `${bmp.bitsPerPixel}-bit BMP is not supported (8, 24 and 32-bit are)`);
  }
  const data = bmp.data as Uint8Array;
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width: bmp.width, height: bmp.height, channels: channels as 1 | 3 | 4 },
  });
}

function classifySharpError(err: Error): ImageRejected {
  if (err instanceof ImageRejected) return err;
  const message = err.message.replace(/^Input (buffer|file) /, '');
  if (/exceeds pixel limit/i.test(message)) return new ImageRejected('too_large', message);
  // Only files with an image extension get here, so unreadable content means a damaged file.
  if (/unsupported image format/i.test(message)) return new ImageRejected('corrupt', 'the content is not a readable image');
  return new ImageRejected('corrupt', message);
}
