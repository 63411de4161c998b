import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/contract/errors';
import { UNLABELED, hexToRgb, type LabelClass } from '../../../shared/domain/classes';
import { paintRle, type CocoRle } from '../../../shared/mask/cocoRle';
import { rgbToMask, type Rgb } from '../../../shared/mask/colorMask';
import { MaskFormatError, pngSize } from '../../../shared/mask/maskPng';
import { decodeUntrustedMaskPng } from '../../imaging/untrustedMaskPng';
import { fillPolygon } from '../../../shared/mask/polygonFill';

/**
 * Where an import finds the mask of an image. `read` returns raw values in the project's class
 * values (255 = unlabeled), or throws MaskFormatError with a reason the report shows the user.
 */
export interface LabelSource {
  /** The file or entry a mask comes from, for reports; null when there is none for this image. */
  find(stem: string, fileName: string): string | null;
  read(stem: string, fileName: string, width: number, height: number): Promise<Uint8Array>;
  /** Mask values (besides 255) that mean unlabeled, e.g. the class file's ignore index. */
  ignoreValues: number[];
}

function pngFilesByStem(dir: string): Map<string, string> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new AppError('NOT_FOUND', `label folder ${dir} does not exist`);
  const byStem = new Map<string, string>();
  for (const name of readdirSync(root)) {
    if (extname(name).toLowerCase() === '.png') byStem.set(basename(name, extname(name)), join(root, name));
  }
  return byStem;
}

function requireSize(found: { width: number; height: number }, width: number, height: number): void {
  if (found.width !== width || found.height !== height) {
    throw new MaskFormatError(`mask is ${found.width}×${found.height} but its image is ${width}×${height}`);
  }
}

/** Grey or palette PNGs (png-gray, png-index): pixel value, or palette index, = class value. */
export function indexPngSource(dir: string, ignoreValues: number[]): LabelSource {
  const files = pngFilesByStem(dir);
  return {
    ignoreValues,
    find: (stem) => files.get(stem) ?? null,
    async read(stem, _fileName, width, height) {
      return decodeUntrustedMaskPng(readFileSync(files.get(stem)!), { width, height }).values;
    },
  };
}

/** Colour PNGs (png-color): each pixel's exact colour names its class; unknown colours are reported with counts. */
export function colorPngSource(dir: string, classes: LabelClass[], unlabeled: Rgb): LabelSource {
  const files = pngFilesByStem(dir);
  const colours = new Map<number, Rgb>(classes.map((c) => [c.value, hexToRgb(c.color)]));
  return {
    ignoreValues: [],
    find: (stem) => files.get(stem) ?? null,
    async read(stem, _fileName, width, height) {
      const bytes = readFileSync(files.get(stem)!);
      requireSize(pngSize(bytes), width, height);
      let decoded;
      try {
        decoded = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      } catch (err) {
        throw new MaskFormatError(`unreadable colour mask: ${(err as Error).message}`);
      }
      requireSize(decoded.info, width, height);
      const { values, unknown } = rgbToMask(new Uint8Array(decoded.data), 3, colours, unlabeled);
      if (unknown.size > 0) {
        const listed = [...unknown].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([c, n]) => `${c} (${n} px)`);
        throw new MaskFormatError(`colours that are no class of this project: ${listed.join(', ')}${unknown.size > 8 ? ', …' : ''}`);
      }
      return values;
    },
  };
}

const cocoSegmentation = (value: unknown): value is CocoRle | number[][] =>
  Array.isArray(value) || (typeof value === 'object' && value !== null && 'counts' in value && 'size' in value);

interface CocoFile {
  images: Array<{ id: number; file_name: string; width: number; height: number }>;
  categories: Array<{ id: number; name: string }>;
  annotations: Array<{ id?: number; image_id: number; category_id: number; segmentation: unknown }>;
}

/**
 * COCO JSON: masks painted from each image's annotations (compressed or uncompressed RLE, or
 * polygons), category names mapped to classes by name; later annotations paint over earlier ones;
 * pixels no annotation covers stay unlabeled.
 */
export function cocoSource(jsonPath: string, classes: LabelClass[]): LabelSource {
  let coco: CocoFile;
  try {
    coco = JSON.parse(readFileSync(jsonPath, 'utf8')) as CocoFile;
  } catch (err) {
    throw new AppError('BAD_REQUEST', `${jsonPath} is not readable COCO JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(coco.images) || !Array.isArray(coco.categories) || !Array.isArray(coco.annotations)) {
    throw new AppError('BAD_REQUEST', `${jsonPath} lacks COCO's images, categories or annotations`);
  }
  const valueByName = new Map(classes.map((c) => [c.name.toLowerCase(), c.value]));
  const categoryName = new Map(coco.categories.map((c) => [c.id, c.name]));
  const imageByFile = new Map(coco.images.map((i) => [basename(i.file_name), i]));
  const annotationsByImage = new Map<number, CocoFile['annotations']>();
  for (const a of coco.annotations) {
    if (!annotationsByImage.has(a.image_id)) annotationsByImage.set(a.image_id, []);
    annotationsByImage.get(a.image_id)!.push(a);
  }
  return {
    ignoreValues: [],
    find: (_stem, fileName) => (imageByFile.has(fileName) ? `${jsonPath}#${fileName}` : null),
    async read(_stem, fileName, width, height) {
      const image = imageByFile.get(fileName)!;
      if (image.width !== width || image.height !== height) {
        throw new MaskFormatError(`COCO says ${image.width}×${image.height} but the image is ${width}×${height}`);
      }
      const values = new Uint8Array(width * height).fill(UNLABELED);
      const unknown = new Map<string, number>();
      for (const a of annotationsByImage.get(image.id) ?? []) {
        const name = categoryName.get(a.category_id) ?? `category ${a.category_id}`;
        const value = valueByName.get(name.toLowerCase());
        if (value === undefined) {
          unknown.set(name, (unknown.get(name) ?? 0) + 1);
          continue;
        }
        if (!cocoSegmentation(a.segmentation)) throw new MaskFormatError(`annotation ${a.id ?? '?'} has no segmentation`);
        try {
          if (Array.isArray(a.segmentation)) for (const polygon of a.segmentation) fillPolygon(values, width, height, polygon, value);
          else paintRle(a.segmentation, values, width, height, value);
        } catch (err) {
          throw new MaskFormatError(`annotation ${a.id ?? '?'}: ${(err as Error).message}`);
        }
      }
      if (unknown.size > 0) {
        throw new MaskFormatError(`categories that are no class of this project: ${[...unknown].map(([n, k]) => `${n} (${k} annotations)`).join(', ')}`);
      }
      return values;
    },
  };
}
