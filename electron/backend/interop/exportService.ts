import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/contract/errors';
import { hexToRgb, UNLABELED, type LabelClass } from '../../../shared/domain/classes';
import type { Split } from '../../../shared/domain/images';
import type { ExportFormat, ExportReport } from '../../../shared/domain/interop';
import { vocPalette } from '../../../shared/domain/vocPalette';
import { compressCounts, rleAreaAndBbox, rleCounts } from '../../../shared/mask/cocoRle';
import { maskToRgb, type Rgb } from '../../../shared/mask/colorMask';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import type { StoredImage } from '../../db/repositories/imageRepository';
import { openImageFile } from '../../imaging/imageReader';
import type { Project } from '../project';
import { encodeIndexedPng } from './pngEncoder';
import { storedMaskAsExport } from './storedMaskPng';

export { EXPORT_FORMATS, type ExportFormat, type ExportReport } from '../../../shared/domain/interop';

export interface ExportOptions {
  format: ExportFormat;
  outDir: string;
  split?: Split;
  onlyDone?: boolean;
  /** Replace an earlier export in `outDir` (never a folder that is not one). */
  force?: boolean;
  /** png-gray: the value written for unlabeled pixels (default 255). */
  unlabeledValue?: number;
  /** png-color: the colour written for unlabeled pixels (default black). */
  unlabeledColor?: Rgb;
  /** Export a run's stored predictions instead of the labels. */
  predictionsOf?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Marks a folder as ours, so `--force` replaces our exports and nothing else. */
export const EXPORT_MARKER = '.fcn-studio-export.json';

/**
 * Writes the project's label masks (or a run's predictions) in a format other tools read. Only images with a mask are
 * exported; files are named by the image's stem and never leave `outDir`.
 */
export async function exportMasks(project: Project, options: ExportOptions): Promise<ExportReport> {
  const started = performance.now();
  const outDir = resolve(options.outDir);
  await prepareOutDir(outDir, Boolean(options.force));
  const classes = project.classes.list();
  checkUnlabeledChoice(options, classes);

  const images = selectImages(project, options);
  if (options.predictionsOf !== undefined && images.length === 0) {
    throw new AppError('NOT_FOUND', `run ${options.predictionsOf} has no stored predictions for these images: run \`fcn-studio eval\` or \`predict --split\` with it first`);
  }
  const names = fileStems(images);
  const writer = formatWriter(options, classes, outDir);
  await writer.begin?.();
  const report: ExportReport = { outDir, written: 0, skipped: [], cancelled: false, seconds: 0 };
  for (const [i, image] of images.entries()) {
    if (options.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    const mask = options.predictionsOf === undefined ? project.masks.current(image.id) : { png: project.runs.prediction(options.predictionsOf, image.id)?.mask };
    if (!mask?.png) continue;
    try {
      await writer.write(image, names.get(image.id)!, lazyValues(mask.png), project.resolveImagePath(image.path));
      report.written++;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') throw new AppError('DISK_FULL', `the disk is full after ${report.written} files; ${outDir} holds a partial export`);
      report.skipped.push({ image: image.path, message: (err as Error).message });
    }
    options.onProgress?.(i + 1, images.length);
  }
  await writer.end?.();
  await writeFile(join(outDir, EXPORT_MARKER), JSON.stringify({ format: options.format, written: report.written, at: new Date().toISOString() }) + '\n');
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/**
 * Throws unless `outDir` is missing, empty, or (with force) an earlier export of ours. Returns
 * whether an earlier export is there to be replaced.
 */
export function checkExportTarget(outDir: string, force: boolean): boolean {
  if (!existsSync(outDir)) return false;
  if (!statSync(outDir).isDirectory()) throw new AppError('CONFLICT', `${outDir} is a file, not a folder`);
  const entries = readdirSync(outDir);
  if (entries.length === 0) return false;
  if (!force) throw new AppError('CONFLICT', `${outDir} is not empty; choose another folder, or --force to replace an earlier export there`);
  if (!entries.includes(EXPORT_MARKER)) throw new AppError('CONFLICT', `${outDir} is not empty and is not an FCN Studio export: refusing to replace it`);
  return true;
}

async function prepareOutDir(outDir: string, force: boolean): Promise<void> {
  if (checkExportTarget(outDir, force)) await rm(outDir, { recursive: true });
  await mkdir(outDir, { recursive: true });
}

function checkUnlabeledChoice(options: ExportOptions, classes: LabelClass[]): void {
  const value = options.unlabeledValue;
  if (options.format === 'png-gray' && value !== undefined && value !== UNLABELED && classes.some((c) => c.value === value)) {
    throw new AppError('BAD_REQUEST', `--unlabeled-value ${value} is the value of class "${classes.find((c) => c.value === value)!.name}"`);
  }
  const colour = options.unlabeledColor ?? [0, 0, 0];
  const clash = classes.find((c) => hexToRgb(c.color).every((v, i) => v === colour[i]));
  if (options.format === 'png-color' && clash) {
    throw new AppError('BAD_REQUEST', `class "${clash.name}" has the unlabeled colour rgb(${colour.join(',')}); pick another with --unlabeled-color`);
  }
}

function selectImages(project: Project, options: ExportOptions): StoredImage[] {
  const rows = project.images.list({ sort: 'name', descending: false, split: options.split, status: options.onlyDone ? 'done' : undefined });
  const wanted = new Set(rows.map((r) => r.id));
  if (options.predictionsOf !== undefined) {
    const predicted = new Set(project.runs.predictedImageIds(options.predictionsOf));
    return project.images.all().filter((i) => wanted.has(i.id) && predicted.has(i.id));
  }
  return project.images.all().filter((i) => wanted.has(i.id) && i.labelVersion > 0);
}

/**
 * One file name per image: the stem, made safe (no separators, no leading dots), with the image id
 * appended where two images share a stem, so nothing is overwritten and nothing escapes outDir.
 */
export function fileStems(images: StoredImage[]): Map<number, string> {
  const safe = (stem: string) => stem.replace(/[/\\:*?"<>|\0]/g, '_').replace(/^\.+/, '_') || '_';
  const counts = new Map<string, number>();
  for (const i of images) counts.set(safe(i.stem).toLowerCase(), (counts.get(safe(i.stem).toLowerCase()) ?? 0) + 1);
  return new Map(images.map((i) => [i.id, counts.get(safe(i.stem).toLowerCase())! > 1 ? `${safe(i.stem)}-${i.id}` : safe(i.stem)]));
}

function inside(outDir: string, ...parts: string[]): string {
  const path = resolve(outDir, ...parts);
  if (!path.startsWith(outDir + sep)) throw new Error(`refusing to write outside ${outDir}: ${path}`);
  return path;
}

/** A stored mask: its PNG, and its pixel values decoded only when a format needs them. */
interface MaskData {
  png: Uint8Array;
  values(): Uint8Array;
}

function lazyValues(png: Uint8Array): MaskData {
  let values: Uint8Array | undefined;
  return { png, values: () => (values ??= decodeMaskPng(png).values) };
}

interface FormatWriter {
  begin?(): Promise<void>;
  write(image: StoredImage, stem: string, mask: MaskData, sourcePath: string): Promise<void>;
  end?(): Promise<void>;
}

function formatWriter(options: ExportOptions, classes: LabelClass[], outDir: string): FormatWriter {
  switch (options.format) {
    case 'png-gray': {
      const unlabeled = options.unlabeledValue ?? UNLABELED;
      return {
        write: (image, stem, mask) => {
          const asStored = unlabeled === UNLABELED ? storedMaskAsExport(mask.png) : null;
          const png = asStored ?? encodeIndexedPng(mask.values().map((v) => (v === UNLABELED ? unlabeled : v)), image.width, image.height);
          return writeFile(inside(outDir, `${stem}.png`), png);
        },
      };
    }
    case 'png-index': {
      const palette = vocPalette();
      return { write: (image, stem, mask) => writeFile(inside(outDir, `${stem}.png`), palettePng(mask, image, palette)) };
    }
    case 'png-color': {
      const colours = new Map<number, Rgb>(classes.map((c) => [c.value, hexToRgb(c.color)]));
      const unlabeled = options.unlabeledColor ?? [0, 0, 0];
      return {
        write: async (image, stem, mask) => {
          const rgb = maskToRgb(mask.values(), colours, unlabeled);
          await sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
            .png({ compressionLevel: 6 })
            .toFile(inside(outDir, `${stem}.png`));
        },
      };
    }
    case 'voc':
      return vocWriter(classes, outDir);
    case 'coco':
      return cocoWriter(classes, outDir);
  }
}

function palettePng(mask: MaskData, image: StoredImage, palette: Uint8Array): Buffer {
  return storedMaskAsExport(mask.png, palette) ?? encodeIndexedPng(mask.values(), image.width, image.height, palette);
}

/** PASCAL VOC's layout, as CVAT and VOC tooling read it. */
function vocWriter(classes: LabelClass[], outDir: string): FormatWriter {
  const palette = vocPalette();
  const splits: Record<Split, string[]> = { train: [], val: [], test: [], unassigned: [] };
  const byValue = [...classes].sort((a, b) => a.value - b.value);
  return {
    async begin() {
      await mkdir(join(outDir, 'JPEGImages'));
      await mkdir(join(outDir, 'SegmentationClass'));
      await mkdir(join(outDir, 'ImageSets', 'Segmentation'), { recursive: true });
    },
    async write(image, stem, mask, sourcePath) {
      const jpeg = inside(outDir, 'JPEGImages', `${stem}.jpg`);
      // VOC holds JPEGs: a JPEG is copied byte for byte, anything else re-encoded at quality 95.
      if (['.jpg', '.jpeg'].includes(extname(sourcePath).toLowerCase())) await copyFile(sourcePath, jpeg);
      else await (await openImageFile(sourcePath)).image.rotate().flatten({ background: '#ffffff' }).jpeg({ quality: 95 }).toFile(jpeg);
      await writeFile(inside(outDir, 'SegmentationClass', `${stem}.png`), palettePng(mask, image, palette));
      splits[image.split].push(stem);
    },
    async end() {
      const list = (stems: string[]) => stems.map((s) => s + '\n').join('');
      const dir = join(outDir, 'ImageSets', 'Segmentation');
      await writeFile(join(dir, 'train.txt'), list(splits.train));
      await writeFile(join(dir, 'val.txt'), list(splits.val));
      await writeFile(join(dir, 'trainval.txt'), list([...splits.train, ...splits.val]));
      if (splits.test.length) await writeFile(join(dir, 'test.txt'), list(splits.test));
      // CVAT's labelmap: the colours are the VOC palette's, since the masks are palette PNGs.
      const lines = ['# label:color_rgb:parts:actions'];
      if (!byValue.some((c) => c.value === 0)) lines.push('background:0,0,0::');
      for (const c of byValue) lines.push(`${c.name}:${palette[c.value * 3]},${palette[c.value * 3 + 1]},${palette[c.value * 3 + 2]}::`);
      await writeFile(join(outDir, 'labelmap.txt'), lines.join('\n') + '\n');
    },
  };
}

/** One COCO JSON: a compressed-RLE annotation per class present in each image; category id = class value + 1. */
function cocoWriter(classes: LabelClass[], outDir: string): FormatWriter {
  const images: unknown[] = [];
  const annotations: unknown[] = [];
  const byValue = [...classes].sort((a, b) => a.value - b.value);
  return {
    async write(image, _stem, mask) {
      const values = mask.values();
      images.push({ id: image.id, file_name: image.fileName, width: image.width, height: image.height });
      const present = new Set(values);
      for (const c of byValue) {
        if (!present.has(c.value)) continue;
        const counts = rleCounts(values, image.width, image.height, (v) => v === c.value);
        const { area, bbox } = rleAreaAndBbox(counts, image.height);
        annotations.push({
          id: annotations.length + 1,
          image_id: image.id,
          category_id: c.value + 1,
          segmentation: { size: [image.height, image.width], counts: compressCounts(counts) },
          area,
          bbox,
          iscrowd: 0,
        });
      }
    },
    async end() {
      const coco = {
        info: { description: 'Exported by FCN Studio', date_created: new Date().toISOString() },
        images,
        categories: byValue.map((c) => ({ id: c.value + 1, name: c.name, supercategory: '' })),
        annotations,
      };
      await writeFile(join(outDir, 'annotations.json'), JSON.stringify(coco));
    },
  };
}
