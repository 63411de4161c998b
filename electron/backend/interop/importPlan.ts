import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import type { Split } from '../../../shared/domain/images';
import type { ImportFormat } from '../../../shared/domain/interop';
import type { Rgb } from '../../../shared/mask/colorMask';
import type { ImportOptions } from '../importService';
import type { Project } from '../project';
import { cocoSource, colorPngSource, indexPngSource } from './labelSources';

export { IMPORT_FORMATS, type ImportFormat } from '../../../shared/domain/interop';

export interface ImportRequest {
  format: ImportFormat;
  /** Image files or folders; for `voc`, the VOC root (holding JPEGImages/). */
  images: string[];
  /** A mask folder (png-*, folder), or the COCO JSON file (coco). */
  labels?: string;
  /** png-gray: the pixel value that means unlabeled in the files (besides 255). */
  unlabeledValue?: number;
  /** png-color: the colour of unlabeled pixels (default black). */
  unlabeledColor?: Rgb;
}

/** Turns a format and its paths into what importImages needs: image paths, a label source, splits. */
export function importPlan(project: Project, request: ImportRequest): Pick<ImportOptions, 'paths' | 'labels' | 'splitFor'> {
  const { format, images, labels } = request;
  const needLabels = () => {
    if (!labels) throw new AppError('BAD_REQUEST', `--format ${format} needs --labels`);
    return labels;
  };
  switch (format) {
    case 'folder':
      return { paths: images, labels: labels ? indexPngSource(labels, []) : undefined };
    case 'png-index':
      return { paths: images, labels: indexPngSource(needLabels(), []) };
    case 'png-gray':
      return { paths: images, labels: indexPngSource(needLabels(), request.unlabeledValue === undefined ? [] : [request.unlabeledValue]) };
    case 'png-color':
      return { paths: images, labels: colorPngSource(needLabels(), project.classes.list(), request.unlabeledColor ?? [0, 0, 0]) };
    case 'coco':
      return { paths: images, labels: cocoSource(needLabels(), project.classes.list()) };
    case 'voc':
      return vocPlan(images);
  }
}

/** A VOC folder: JPEGImages/, SegmentationClass/ (palette PNGs), ImageSets/Segmentation/{train,val,test}.txt. */
function vocPlan(images: string[]): Pick<ImportOptions, 'paths' | 'labels' | 'splitFor'> {
  if (images.length !== 1) throw new AppError('BAD_REQUEST', '--format voc takes one VOC folder as --images');
  const root = images[0];
  const jpegs = join(root, 'JPEGImages');
  if (!existsSync(jpegs) || !statSync(jpegs).isDirectory()) throw new AppError('NOT_FOUND', `${root} is not a VOC folder: JPEGImages/ is missing`);
  const masks = join(root, 'SegmentationClass');
  const splitByStem = new Map<string, Split>();
  for (const split of ['train', 'val', 'test'] as const) {
    const list = join(root, 'ImageSets', 'Segmentation', `${split}.txt`);
    if (!existsSync(list)) continue;
    for (const line of readFileSync(list, 'utf8').split(/\r?\n/)) {
      const stem = line.trim();
      if (stem) splitByStem.set(stem, split);
    }
  }
  return {
    paths: [jpegs],
    labels: existsSync(masks) ? indexPngSource(masks, []) : undefined,
    splitFor: (stem) => splitByStem.get(stem),
  };
}
