import { readFile } from 'node:fs/promises';
import { openImage } from '../imaging/imageReader';
import { decodeUntrustedMaskPng } from '../imaging/untrustedMaskPng';
import { AppError } from '../../shared/contract/errors';
import type { LabelMask } from '../../shared/contract/rendererContract';
import { UNLABELED } from '../../shared/domain/classes';
import { countClasses, encodeMaskPng, MaskFormatError } from '../../shared/mask/maskPng';
import { StaleMaskVersionError } from '../db/repositories/labelMaskRepository';
import { compactSoon } from './labelCompaction';
import type { Project } from './project';

const BROWSER_FORMATS: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

function requireImage(project: Project, id: number) {
  const image = project.images.byId(id);
  if (!image) throw new AppError('NOT_FOUND', `image ${id} does not exist`);
  return image;
}

/** The image's bytes for display; formats browsers cannot show are converted to PNG. */
export async function imagePixels(project: Project, id: number): Promise<{ mime: string; bytes: Uint8Array; width: number; height: number }> {
  const image = requireImage(project, id);
  if (image.fileState !== 'ok') {
    throw new AppError('NOT_FOUND', `${image.path} is ${image.fileState === 'missing' ? 'missing' : 'changed since it was imported'}: its labels would no longer match it`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(project.resolveImagePath(image.path));
  } catch (err) {
    throw new AppError('NOT_FOUND', `cannot read ${image.path}: ${(err as Error).message}`);
  }
  const mime = BROWSER_FORMATS[image.format];
  if (mime) return { mime, bytes, width: image.width, height: image.height };
  const { image: source } = await openImage(bytes);
  const png = await source.rotate().png({ compressionLevel: 1 }).toBuffer();
  return { mime: 'image/png', bytes: png, width: image.width, height: image.height };
}

export function getLabels(project: Project, imageId: number): LabelMask {
  const image = requireImage(project, imageId);
  const mask = project.masks.current(imageId);
  return { imageId, version: image.labelVersion, width: image.width, height: image.height, png: mask?.png ?? null };
}

/**
 * Stores an edited mask as a new version in one transaction, after checking it fits the image and
 * holds only class values or 255. A save based on an older version is refused (CONFLICT).
 */
export function saveLabels(project: Project, imageId: number, baseVersion: number, png: Uint8Array): { version: number; labeledFraction: number } {
  const image = requireImage(project, imageId);
  let mask;
  try {
    mask = decodeUntrustedMaskPng(png, image);
  } catch (err) {
    throw new AppError('BAD_REQUEST', err instanceof MaskFormatError ? err.message : `unreadable mask: ${(err as Error).message}`);
  }
  const classValues = new Set(project.classes.list().map((c) => c.value));
  const { counts, labeledPixels } = countClasses(mask.values);
  const unknown = [...counts.keys()].filter((v) => !classValues.has(v) && v !== UNLABELED);
  if (unknown.length) throw new AppError('BAD_REQUEST', `mask has values that are no class of this project: ${unknown.join(', ')}`);
  try {
    const version = project.masks.save({ imageId, baseVersion, png: encodeMaskPng(mask), labeledPixels, classCounts: counts, source: 'editor' });
    compactSoon(project, imageId);
    return { version, labeledFraction: labeledPixels / (image.width * image.height) };
  } catch (err) {
    if (err instanceof StaleMaskVersionError) {
      throw new AppError(
        'CONFLICT',
        `this image was saved from another window (version ${err.current}) after this one opened it (version ${err.base}); nothing was overwritten — reload the image to see the newer labels`,
      );
    }
    throw err;
  }
}
