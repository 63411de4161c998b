import { copyFile, writeFile } from 'node:fs/promises';
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
import { ExportFolder } from './exportFolder';
import { encodeIndexedPng } from './pngEncoder';
import { storedMaskAsExport } from './storedMaskPng';

export { EXPORT_FORMATS, type ExportFormat, type ExportReport } from '../../../shared/domain/interop';
export { checkExportTarget, EXPORT_MARKER } from './exportFolder';

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

/**
 * Writes the project's label masks (or a run's predictions) in a format other tools read. Only images with a mask are
 * exported; files are named by the image's stem and never leave `outDir`.
 */
export async function exportMasks(project: Project, options: ExportOptions): Promise<ExportReport> {
  const started = performance.now();
  const classes = project.classes.list();
  checkUnlabeledChoice(options, classes);

  const images = selectImages(project, options);
  if (options.predictionsOf !== undefined && images.length === 0) {
    throw new AppError('NOT_FOUND', `run ${options.predictionsOf} has no stored predictions for these images: run \`fcn-studio eval\` or \`predict --split\` with it first`);
  }
  const { names, renamed } = fileStems(images);
  const folder = await ExportFolder.prepare(options.outDir, Boolean(options.force));
  const outDir = folder.dir;
  const writer = formatWriter(options, classes, folder);
  const report: ExportReport = { outDir, written: 0, skipped: [], renamed, cancelled: false, seconds: 0 };
  try {
    await writer.begin?.();
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
  } catch (err) {
    // What was written before the failure is listed too, so a later --force can replace it.
    await folder.writeMarker({ format: options.format, written: report.written }).catch(() => undefined);
    throw err;
  }
  await folder.writeMarker({ format: options.format, written: report.written });
  report.seconds = (performance.now() - started) / 1000;
  return report;
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

const FORBIDDEN_IN_NAMES = '/\\:*?"<>|';
const isControl = (c: string) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;

/**
 * A stem as a file name every tool reads: path separators, the characters Windows forbids and
 * control characters (a line break would split VOC's lists) become `_`, and a leading dot (a
 * hidden file) too. Returns the name and, where it differs, why.
 */
function safeName(stem: string): { name: string; reason: string | null } {
  const chars = [...stem];
  const name = chars.map((c) => (isControl(c) || FORBIDDEN_IN_NAMES.includes(c) ? '_' : c)).join('').replace(/^\.+/, '_') || '_';
  if (name === stem) return { name, reason: null };
  if (chars.some(isControl)) return { name, reason: 'its name holds a line break or another control character, which lists such as VOC ImageSets cannot hold' };
  if (chars.some((c) => FORBIDDEN_IN_NAMES.includes(c))) return { name, reason: `its name holds characters file names cannot (${FORBIDDEN_IN_NAMES})` };
  return { name, reason: 'a name starting with a dot would be a hidden file' };
}

/**
 * One file name per image: the stem made safe (no separators, control characters or leading
 * dots), with the image id appended where two images share a stem. Every generated name is
 * checked against every other name (case-insensitively, for the file systems that ignore case),
 * so `x` + id 1 can never land on an image really named `x-1`. Names that differ from the
 * image's stem other than by that suffix are reported, with why.
 */
export function fileStems(images: Array<Pick<StoredImage, 'id' | 'stem' | 'path'>>): { names: Map<number, string>; renamed: NonNullable<ExportReport['renamed']> } {
  const safe = (stem: string) => safeName(stem).name;
  const key = (name: string) => name.toLowerCase();
  const counts = new Map<string, number>();
  for (const i of images) counts.set(key(safe(i.stem)), (counts.get(key(safe(i.stem))) ?? 0) + 1);
  // Every plain name is taken before any suffix is made, so a suffixed name never lands on one.
  const taken = new Set(counts.keys());
  const names = new Map<number, string>();
  const renamed: NonNullable<ExportReport['renamed']> = [];
  for (const i of images) {
    const base = safe(i.stem);
    let name = base;
    if (counts.get(key(base))! > 1) {
      name = `${base}-${i.id}`;
      for (let n = 2; taken.has(key(name)); n++) name = `${base}-${i.id}-${n}`;
      taken.add(key(name));
    }
    names.set(i.id, name);
    const { reason } = safeName(i.stem);
    if (reason) renamed.push({ image: i.path, name, reason });
  }
  return { names, renamed };
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

function formatWriter(options: ExportOptions, classes: LabelClass[], folder: ExportFolder): FormatWriter {
  switch (options.format) {
    case 'png-gray': {
      const unlabeled = options.unlabeledValue ?? UNLABELED;
      return {
        write: (image, stem, mask) => {
          const asStored = unlabeled === UNLABELED ? storedMaskAsExport(mask.png) : null;
          const png = asStored ?? encodeIndexedPng(mask.values().map((v) => (v === UNLABELED ? unlabeled : v)), image.width, image.height);
          return writeFile(folder.file(`${stem}.png`), png);
        },
      };
    }
    case 'png-index': {
      const palette = vocPalette();
      return { write: (image, stem, mask) => writeFile(folder.file(`${stem}.png`), palettePng(mask, image, palette)) };
    }
    case 'png-color': {
      const colours = new Map<number, Rgb>(classes.map((c) => [c.value, hexToRgb(c.color)]));
      const unlabeled = options.unlabeledColor ?? [0, 0, 0];
      return {
        write: async (image, stem, mask) => {
          const rgb = maskToRgb(mask.values(), colours, unlabeled);
          await sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
            .png({ compressionLevel: 6 })
            .toFile(folder.file(`${stem}.png`));
        },
      };
    }
    case 'voc':
      return vocWriter(classes, folder);
    case 'coco':
      return cocoWriter(classes, folder);
  }
}

function palettePng(mask: MaskData, image: StoredImage, palette: Uint8Array): Buffer {
  return storedMaskAsExport(mask.png, palette) ?? encodeIndexedPng(mask.values(), image.width, image.height, palette);
}

/** PASCAL VOC's layout, as CVAT and VOC tooling read it. */
function vocWriter(classes: LabelClass[], folder: ExportFolder): FormatWriter {
  const palette = vocPalette();
  const splits: Record<Split, string[]> = { train: [], val: [], test: [], unassigned: [] };
  const byValue = [...classes].sort((a, b) => a.value - b.value);
  return {
    async begin() {
      await folder.folder('JPEGImages');
      await folder.folder('SegmentationClass');
      await folder.folder('ImageSets', 'Segmentation');
    },
    async write(image, stem, mask, sourcePath) {
      const jpeg = folder.file('JPEGImages', `${stem}.jpg`);
      // VOC holds JPEGs, upright as the mask is (VOC tools such as PIL ignore EXIF orientation): an
      // upright JPEG is copied byte for byte, anything else re-encoded upright at quality 95.
      const source = await openImageFile(sourcePath);
      const { orientation } = await source.image.metadata();
      if (source.format === 'jpeg' && (orientation ?? 1) === 1) await copyFile(sourcePath, jpeg);
      else await source.image.rotate().flatten({ background: '#ffffff' }).jpeg({ quality: 95 }).toFile(jpeg);
      await writeFile(folder.file('SegmentationClass', `${stem}.png`), palettePng(mask, image, palette));
      splits[image.split].push(stem);
    },
    async end() {
      const list = (stems: string[]) => stems.map((s) => s + '\n').join('');
      const set = (name: string) => folder.file('ImageSets', 'Segmentation', name);
      await writeFile(set('train.txt'), list(splits.train));
      await writeFile(set('val.txt'), list(splits.val));
      await writeFile(set('trainval.txt'), list([...splits.train, ...splits.val]));
      if (splits.test.length) await writeFile(set('test.txt'), list(splits.test));
      // CVAT's labelmap: the colours are the VOC palette's, since the masks are palette PNGs.
      const lines = ['# label:color_rgb:parts:actions'];
      if (!byValue.some((c) => c.value === 0)) lines.push('background:0,0,0::');
      for (const c of byValue) lines.push(`${c.name}:${palette[c.value * 3]},${palette[c.value * 3 + 1]},${palette[c.value * 3 + 2]}::`);
      await writeFile(folder.file('labelmap.txt'), lines.join('\n') + '\n');
    },
  };
}

/** One COCO JSON: a compressed-RLE annotation per class present in each image; category id = class value + 1. */
function cocoWriter(classes: LabelClass[], folder: ExportFolder): FormatWriter {
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
      await writeFile(folder.file('annotations.json'), JSON.stringify(coco));
    },
  };
}
