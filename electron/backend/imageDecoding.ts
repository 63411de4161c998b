import { ImageRejected, MAX_IMAGE_PIXELS, openImage, sharpRejection } from '../imaging/imageReader';

export { ImageRejected } from '../imaging/imageReader';

export const THUMBNAIL_SIZE = 256;

export interface DecodeLimits {
  /** Files above this many bytes are skipped before they are read. */
  maxBytes: number;
  /** Images above this many pixels are skipped (decoding them would exhaust memory). */
  maxPixels: number;
}

export const DEFAULT_LIMITS: DecodeLimits = { maxBytes: 1024 ** 3, maxPixels: MAX_IMAGE_PIXELS };

export interface InspectedImage {
  width: number;
  height: number;
  format: string;
  thumbnail: { mime: string; bytes: Uint8Array };
}

/**
 * Reads an image's size (after EXIF orientation, as it is shown and labeled) and makes its
 * thumbnail. The size comes from the headers and is checked first; the thumbnail then decodes
 * every pixel, so a truncated or corrupt file is caught here.
 */
export async function inspectImage(bytes: Buffer, limits: DecodeLimits): Promise<InspectedImage> {
  const { image, width, height, format } = await openImage(bytes, limits.maxPixels);
  try {
    const thumbnail = await image
      .rotate()
      .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 78 })
      .toBuffer();
    return { width, height, format, thumbnail: { mime: 'image/jpeg', bytes: thumbnail } };
  } catch (err) {
    throw err instanceof ImageRejected ? err : sharpRejection(err as Error);
  }
}
