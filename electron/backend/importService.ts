import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { IMAGE_EXTENSIONS, IMPORTED_MASK_DONE_FRACTION, type ImportReport, type ImportSkip, type Split } from '../../shared/domain/images';
import { countClasses, encodeMaskPng, MaskFormatError, normaliseMaskValues } from '../../shared/mask/maskPng';
import { DEFAULT_LIMITS, ImageRejected, inspectImage, type DecodeLimits, type InspectedImage } from './imageDecoding';
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
  /** Files reported before any is read: dropped files that could not be written (writeUploads). */
  skipped?: ImportSkip[];
  /**
   * The paths are copies made for this import (dropped files): those it does not add (already in
   * the project, unreadable) are deleted again, so dropping a folder twice keeps one copy.
   */
  discardNotAdded?: boolean;
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
  const skipped: ImportSkip[] = [...(options.skipped ?? [])];
  const { files, unsupported, unreadable } = await collectImageFiles(options.paths);
  for (const path of unsupported) skipped.push({ path, reason: 'unsupported', message: `${extname(path) || 'no extension'}: not an image type FCN Studio imports` });
  skipped.push(...unreadable);
  const report: ImportReport = { added: 0, labelsAdded: 0, skipped, cancelled: false, seconds: 0 };
  const labelFor = options.labels ? matchLabels(files, options.labels) : () => null;

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      if (options.signal?.aborted) {
        report.cancelled = true;
        return;
      }
      const path = files[next++];
      await importOne(project, path, labelFor(path), options, limits, report);
      done++;
      options.onProgress?.(done, files.length, path);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  if (options.discardNotAdded) await discardNotAdded(project, options.paths);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/**
 * Writes dropped files (bytes with no path on this machine) into a new folder under `uploadsDir`
 * for importImages. A file that cannot be written is removed again and reported; after a full disk
 * nothing more is tried, and each file left is reported as not added, so the import's report
 * accounts for every file.
 */
export async function writeUploads(uploadsDir: string, files: Array<{ name: string; bytes: Uint8Array }>): Promise<{ paths: string[]; skipped: ImportSkip[] }> {
  await mkdir(uploadsDir, { recursive: true });
  // A folder of its own (two drops in one millisecond must not write over each other's files).
  const dir = await mkdtemp(join(uploadsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-`));
  const paths: string[] = [];
  const skipped: ImportSkip[] = [];
  let full = false;
  for (const [i, f] of files.entries()) {
    if (full) {
      skipped.push({ path: f.name, reason: 'disk_full', message: 'the disk is full: this dropped file was not written into the project' });
      continue;
    }
    const path = join(dir, `${String(i).padStart(4, '0')}-${basename(f.name).replace(/[^\w.\- ]/g, '_')}`);
    try {
      await writeFile(path, f.bytes);
      paths.push(path);
    } catch (err) {
      await rm(path, { force: true }); // a file cut short is no file of ours
      full = isDiskFull(err);
      const message = full ? 'the disk is full: this dropped file was not written into the project' : `cannot write it into the project: ${(err as Error).message}`;
      skipped.push({ path: f.name, reason: full ? 'disk_full' : 'unreadable', message });
    }
  }
  return { paths, skipped };
}

async function discardNotAdded(project: Project, paths: string[]): Promise<void> {
  if (!project.db.open) return; // closed meanwhile: which were added cannot be told, so all stay
  const folders = new Set<string>();
  for (const path of paths) {
    if (project.images.byPath(path)) continue;
    await rm(path, { force: true });
    folders.add(resolve(path, '..'));
  }
  for (const folder of folders) await rmdir(folder).catch(() => undefined); // only when nothing is left in it
}

/** A file's mask: where it comes from, or why none is attached although one matched. */
type LabelMatch = { ref: string } | { refused: string } | null;

/**
 * Finds each file's mask, refusing a mask that two or more files match (same stem in different
 * folders, or the same COCO file name): attaching it to either would be a guess.
 */
function matchLabels(files: string[], source: LabelSource): (path: string) => LabelMatch {
  const refOf = new Map<string, string>();
  const filesOf = new Map<string, string[]>();
  for (const path of files) {
    const ref = source.find(basename(path, extname(path)), basename(path));
    if (ref === null) continue;
    refOf.set(path, ref);
    if (!filesOf.has(ref)) filesOf.set(ref, []);
    filesOf.get(ref)!.push(path);
  }
  return (path) => {
    const ref = refOf.get(path);
    if (ref === undefined) return null;
    const matched = filesOf.get(ref)!;
    if (matched.length === 1) return { ref };
    const root = commonFolder(matched);
    return { refused: `ambiguous mask: ${basename(ref)} matches ${matched.length} images (${matched.map((f) => relative(root, f)).join(', ')}); none of them gets it — import them separately to say which` };
  };
}

function commonFolder(paths: string[]): string {
  const parts = paths.map((p) => p.split(sep));
  let n = 0;
  while (parts.every((p) => n < p.length - 1 && p[n] === parts[0][n])) n++;
  return parts[0].slice(0, n).join(sep) || sep;
}

async function importOne(
  project: Project,
  path: string,
  label: LabelMatch,
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
  if (label && 'refused' in label) report.skipped.push({ path, reason: 'label_rejected', message: label.refused });
  const labelRef = label && 'ref' in label ? label.ref : null;

  const existing = project.images.bySha256(sha256);
  if (existing) {
    // Content already here: never a second row. A mask for an image that has none is still welcome.
    if (labelRef && existing.labelVersion === 0) {
      if (await importLabel(project, existing.id, { stem, fileName, ref: labelRef }, existing, options.labels!, report)) return;
    }
    const storedAs = project.resolveImagePath(existing.path);
    return skip('duplicate', storedAs === path ? 'already imported' : `same content as ${existing.path}, already in the project`);
  }

  let inspected: InspectedImage;
  try {
    inspected = await inspectImage(bytes, limits);
  } catch (err) {
    if (err instanceof ImageRejected) return skip(err.reason, err.message);
    throw err;
  }
  const { width, height, format, thumbnail } = inspected;

  let storedPath = path;
  const copiedTo = options.copyIntoProject ? join(project.dir, 'images', `${sha256.slice(0, 12)}-${basename(path)}`) : null;
  if (copiedTo) {
    try {
      await mkdir(join(project.dir, 'images'), { recursive: true });
      await copyFile(path, copiedTo);
    } catch (err) {
      await rm(copiedTo, { force: true }); // a copy cut short by a full disk is no file of ours
      if (isDiskFull(err)) return skip('disk_full', 'the disk is full: the copy into the project failed, nothing of this image was added');
      return skip('unreadable', (err as Error).message);
    }
    storedPath = relative(project.dir, copiedTo);
  }

  // Both awaits are behind us: the check and the insert run in one synchronous step, so two
  // workers holding the same content cannot both insert it.
  const raced = project.images.bySha256(sha256) ?? project.images.byPath(storedPath);
  if (raced) return skip('duplicate', `same content as ${raced.path}, already in the project`);
  let id: number;
  try {
    id = project.images.insert({
      path: storedPath,
      fileName: basename(path),
      stem,
      sha256,
      byteSize: bytes.byteLength,
      mtimeMs,
      width,
      height,
      format,
      copied: Boolean(options.copyIntoProject),
      split: options.splitFor?.(stem) ?? options.split ?? 'unassigned',
      thumbnail,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Another process (a second server, a CLI import) added the same file or content after our check.
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
      if (copiedTo) await rm(copiedTo, { force: true });
      return skip('duplicate', 'already in the project (another FCN Studio process imported it at the same time)');
    }
    if (!isDiskFull(err)) throw err;
    if (copiedTo) await rm(copiedTo, { force: true });
    return skip('disk_full', 'the disk is full: the image was not added (its row and thumbnail were rolled back together)');
  }
  report.added++;
  if (labelRef) await importLabel(project, id, { stem, fileName, ref: labelRef }, inspected, options.labels!, report);
}

/** SQLite's SQLITE_FULL (the database could not grow) or the file system's ENOSPC. */
function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
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
  try {
    project.masks.save({
      imageId,
      baseVersion: 0,
      png: encodeMaskPng({ width: size.width, height: size.height, values }),
      labeledPixels,
      classCounts: counts,
      source: 'import',
    });
  } catch (err) {
    if (isDiskFull(err)) return reject('the disk is full: the mask was not stored (its image was)');
    throw err;
  }
  // A mask labeling most of its image is finished ground truth; scribbles are work in progress.
  if (labeledPixels >= IMPORTED_MASK_DONE_FRACTION * size.width * size.height) project.images.setDone([imageId], true);
  report.labelsAdded++;
  return true;
}

/**
 * Image files under the given files and folders (recursively, in name order), the non-image files
 * met, and the entries that cannot be read (a broken link, a link loop), each reported on its own
 * so that one bad entry never stops the rest. Folder links are followed, except back into a folder
 * being walked (a loop); a folder or file reached a second time (named twice, or through another
 * link) is listed once.
 */
export async function collectImageFiles(paths: string[]): Promise<{ files: string[]; unsupported: string[]; unreadable: ImportSkip[] }> {
  const files: string[] = [];
  const unsupported: string[] = [];
  const unreadable: ImportSkip[] = [];
  const walked = new Set<string>();
  const listed = new Set<string>();
  const visit = async (path: string, explicit: boolean, ancestors: string[]) => {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const problem = await unreadableEntry(path, err as NodeJS.ErrnoException);
      if (explicit && problem === null && (err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', `${path} does not exist`);
      unreadable.push({ path, reason: 'unreadable', message: problem ?? (err as Error).message });
      return;
    }
    if (info.isDirectory()) {
      const real = await realpath(path);
      if (ancestors.includes(real)) {
        unreadable.push({ path, reason: 'unreadable', message: `link loop: leads back to ${real}, a folder this import is already inside; not followed` });
        return;
      }
      if (walked.has(real)) return;
      walked.add(real);
      let entries;
      try {
        entries = await readdir(path, { withFileTypes: true });
      } catch (err) {
        unreadable.push({ path, reason: 'unreadable', message: `cannot list the folder: ${(err as Error).message}` });
        return;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.name.startsWith('.')) continue; // .DS_Store, .git and the like are never images
        await visit(join(path, e.name), false, [...ancestors, real]);
      }
    } else if (SUPPORTED.has(extname(path).toLowerCase())) {
      const real = await realpath(path);
      if (listed.has(real)) return;
      listed.add(real);
      files.push(path);
    } else if (explicit || info.isFile()) {
      unsupported.push(path);
    }
  };
  for (const p of paths) await visit(resolve(p), true, []);
  return { files, unsupported, unreadable };
}

/** Why a path that stat cannot follow is unusable, for links; null when nothing is there at all. */
async function unreadableEntry(path: string, err: NodeJS.ErrnoException): Promise<string | null> {
  if (err.code === 'ELOOP') return 'link loop: the link leads back to itself through other links; not followed';
  if (err.code !== 'ENOENT') return null;
  try {
    if (!(await lstat(path)).isSymbolicLink()) return null;
    return `broken link: its target ${await readlink(path)} does not exist`;
  } catch {
    return null;
  }
}

export function describeSkip(skip: ImportSkip, root?: string): string {
  return `${root ? relative(root, skip.path) : skip.path}: ${skip.reason.replace('_', ' ')} — ${skip.message}`;
}
