import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { IMAGE_EXTENSIONS, type ImportReport, type ImportSkip, type Split } from '../../shared/domain/images';
import { countClasses, encodeMaskPng, MaskFormatError, normaliseMaskValues } from '../../shared/mask/maskPng';
import { DEFAULT_LIMITS, ImageRejected, inspectImage, type DecodeLimits } from './imageDecoding';
import type { LabelSource } from './interop/labelSources';
import type { Project } from './project';

export interface ImportOptions {
  /** Files and folders (folders are walked recursively). */
  paths: string[];
  /** Where masks come from (a folder of PNGs by stem, a COCO file, …); see interop/labelSources. */
  labels?: LabelSource;
  /** A split per image (VOC's ImageSets), over `split`. */
  splitFor?: (stem: string) => Split | undefined;
  copyIntoProject?: boolean;
  split?: Split;
  limits?: DecodeLimits;
  /** Images decoded at once: sharp decodes on its own threads, so a few in flight keep both cores busy. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, current: string) => void;
}

const SUPPORTED = new Set<string>(IMAGE_EXTENSIONS);

/**
 * Imports images (and optionally their masks) into a project. One bad file never stops the
 * rest: each is reported with the reason it was skipped. Content already in the project (same
 * sha256) is never added twice, so importing the same folder again adds nothing.
 */
export async function importImages(project: Project, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const skipped: ImportSkip[] = [];
  const { files, unsupported } = await collectImageFiles(options.paths);
  for (const path of unsupported) skipped.push({ path, reason: 'unsupported', message: `${extname(path) || 'no extension'}: not an image type FCN Studio imports` });
  const report: ImportReport = { added: 0, labelsAdded: 0, skipped, cancelled: false, seconds: 0 };

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      if (options.signal?.aborted) {
        report.cancelled = true;
        return;
      }
      const path = files[next++];
      await importOne(project, path, options, limits, report);
      done++;
      options.onProgress?.(done, files.length, path);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

async function importOne(
  project: Project,
  path: string,
  options: ImportOptions,
  limits: DecodeLimits,
  report: ImportReport,
): Promise<void> {
  const skip = (reason: ImportSkip['reason'], message: string): void => {
    report.skipped.push({ path, reason, message });
  };
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const info = await stat(path);
    if (info.size > limits.maxBytes) {
      return skip('too_large', `${(info.size / 2 ** 20).toFixed(0)} MiB is over the limit of ${(limits.maxBytes / 2 ** 20).toFixed(0)} MiB`);
    }
    if (info.size === 0) return skip('corrupt', 'the file is empty');
    bytes = await readFile(path);
    mtimeMs = Math.floor(info.mtimeMs);
  } catch (err) {
    return skip('unreadable', (err as Error).message);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const stem = basename(path, extname(path));
  const fileName = basename(path);
  const labelRef = options.labels?.find(stem, fileName) ?? null;

  const existing = project.images.bySha256(sha256);
  if (existing) {
    // Content already here: never a second row. A mask for an image that has none is still welcome.
    if (labelRef && existing.labelVersion === 0) {
      if (await importLabel(project, existing.id, { stem, fileName, ref: labelRef }, existing, options.labels!, report)) return;
    }
    const storedAs = project.resolveImagePath(existing.path);
    return skip('duplicate', storedAs === path ? 'already imported' : `same content as ${existing.path}, already in the project`);
  }

  let inspected;
  try {
    inspected = await inspectImage(bytes, extname(path).toLowerCase(), limits);
  } catch (err) {
    if (err instanceof ImageRejected) return skip(err.reason, err.message);
    throw err;
  }

  let storedPath = path;
  if (options.copyIntoProject) {
    const relativePath = join('images', `${sha256.slice(0, 12)}-${basename(path)}`);
    await mkdir(join(project.dir, 'images'), { recursive: true });
    try {
      await copyFile(path, join(project.dir, relativePath));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return skip('unreadable', code === 'ENOSPC' ? 'the disk is full: the copy into the project failed' : (err as Error).message);
    }
    storedPath = relativePath;
  }

  // Both awaits are behind us: the check and the insert run in one synchronous step, so two
  // workers holding the same content cannot both insert it.
  const raced = project.images.bySha256(sha256) ?? project.images.byPath(storedPath);
  if (raced) return skip('duplicate', `same content as ${raced.path}, already in the project`);
  const id = project.images.insert({
    path: storedPath,
    fileName: basename(path),
    stem,
    sha256,
    byteSize: bytes.byteLength,
    mtimeMs,
    width: inspected.width,
    height: inspected.height,
    format: inspected.format,
    copied: Boolean(options.copyIntoProject),
    split: options.splitFor?.(stem) ?? options.split ?? 'unassigned',
    thumbnail: inspected.thumbnail,
  });
  report.added++;
  if (labelRef) await importLabel(project, id, { stem, fileName, ref: labelRef }, inspected, options.labels!, report);
}

/** Stores a user's mask as the image's next version; reports (and skips) a mask that does not fit. */
async function importLabel(
  project: Project,
  imageId: number,
  label: { stem: string; fileName: string; ref: string },
  size: { width: number; height: number },
  source: LabelSource,
  report: ImportReport,
): Promise<boolean> {
  const reject = (message: string) => {
    report.skipped.push({ path: label.ref, reason: 'label_rejected', message });
    return false;
  };
  let raw;
  try {
    raw = await source.read(label.stem, label.fileName, size.width, size.height);
  } catch (err) {
    return reject(err instanceof MaskFormatError ? err.message : `unreadable mask: ${(err as Error).message}`);
  }
  const classValues = new Set(project.classes.list().map((c) => c.value));
  const ignore = project.ignoreIndex();
  const { values, unknown } = normaliseMaskValues(raw, classValues, [...source.ignoreValues, ...(ignore === null ? [] : [ignore])]);
  if (unknown.size > 0) {
    const listed = [...unknown].map(([v, n]) => `${v} (${n} px)`).join(', ');
    return reject(`mask has values that are not classes of this project: ${listed}`);
  }
  // The awaits are behind us: from here to the save nothing yields, so the version check holds.
  const current = project.images.byId(imageId);
  if (!current || current.labelVersion !== 0) return reject('the image got a mask meanwhile; kept that one');
  const { counts, labeledPixels } = countClasses(values);
  project.masks.save({
    imageId,
    baseVersion: 0,
    png: encodeMaskPng({ width: size.width, height: size.height, values }),
    labeledPixels,
    classCounts: counts,
    source: 'import',
  });
  // Imported masks are finished ground truth, so the image counts as done.
  project.images.setDone([imageId], true);
  report.labelsAdded++;
  return true;
}

/** Image files under the given files and folders (recursively, in name order), and the non-image files met. */
export async function collectImageFiles(paths: string[]): Promise<{ files: string[]; unsupported: string[] }> {
  const files: string[] = [];
  const unsupported: string[] = [];
  const visit = async (path: string, explicit: boolean) => {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new AppError('NOT_FOUND', `${path} does not exist`);
    }
    if (info.isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true });
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.name.startsWith('.')) continue; // .DS_Store, .git and the like are never images
        await visit(join(path, e.name), false);
      }
    } else if (SUPPORTED.has(extname(path).toLowerCase())) {
      files.push(path);
    } else if (explicit || info.isFile()) {
      unsupported.push(path);
    }
  };
  for (const p of paths) await visit(resolve(p), true);
  return { files, unsupported };
}

export function describeSkip(skip: ImportSkip, root?: string): string {
  return `${root ? relative(root, skip.path) : skip.path}: ${skip.reason.replace('_', ' ')} — ${skip.message}`;
}
