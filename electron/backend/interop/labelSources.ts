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

/** The PNGs of a mask folder by stem; two files of one stem (x.png, x.PNG) are both listed, to be refused. */
function pngFilesByStem(dir: string): Map<string, string[]> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new AppError('NOT_FOUND', `label folder ${dir} does not exist`);
  const byStem = new Map<string, string[]>();
  for (const name of readdirSync(root).sort()) {
    if (extname(name).toLowerCase() !== '.png') continue;
    const stem = basename(name, extname(name));
    if (!byStem.has(stem)) byStem.set(stem, []);
    byStem.get(stem)!.push(join(root, name));
  }
  return byStem;
}

/** The one mask file of a stem, or the refusal when the folder holds several. */
function onlyMaskFile(files: Map<string, string[]>, stem: string): string {
  const found = files.get(stem)!;
  if (found.length > 1) throw new MaskFormatError(`ambiguous mask: ${found.map((f) => basename(f)).join(' and ')} both match; none is attached`);
  return found[0];
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
    find: (stem) => files.get(stem)?.[0] ?? null,
    async read(stem, _fileName, width, height) {
      return decodeUntrustedMaskPng(readFileSync(onlyMaskFile(files, stem)), { width, height }).values;
    },
  };
}

/** Colour PNGs (png-color): each pixel's exact colour names its class; unknown colours are reported with counts. */
export function colorPngSource(dir: string, classes: LabelClass[], unlabeled: Rgb): LabelSource {
  const files = pngFilesByStem(dir);
  const colours = new Map<number, Rgb>(classes.map((c) => [c.value, hexToRgb(c.color)]));
  return {
    ignoreValues: [],
    find: (stem) => files.get(stem)?.[0] ?? null,
    async read(stem, _fileName, width, height) {
      const bytes = readFileSync(onlyMaskFile(files, stem));
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
  // Images are matched by file name; a name the COCO file lists twice (day/x.jpg, night/x.jpg) is refused, never guessed.
  const imagesByFile = new Map<string, CocoFile['images']>();
  for (const i of coco.images) {
    const name = basename(i.file_name);
    if (!imagesByFile.has(name)) imagesByFile.set(name, []);
    imagesByFile.get(name)!.push(i);
  }
  const annotationsByImage = new Map<number, CocoFile['annotations']>();
  for (const a of coco.annotations) {
    if (!annotationsByImage.has(a.image_id)) annotationsByImage.set(a.image_id, []);
    annotationsByImage.get(a.image_id)!.push(a);
  }
  return {
    ignoreValues: [],
    find: (_stem, fileName) => (imagesByFile.has(fileName) ? `${jsonPath}#${fileName}` : null),
    async read(_stem, fileName, width, height) {
      const listed = imagesByFile.get(fileName)!;
      if (listed.length > 1) {
        throw new MaskFormatError(`ambiguous mask: the COCO file lists ${listed.length} images named ${fileName} (${listed.map((i) => i.file_name).join(', ')}); none is attached`);
      }
      const image = listed[0];
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
