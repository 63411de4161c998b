import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { lstat, mkdir, realpath, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/contract/errors';

/** Marks a folder as an export of ours and lists what it wrote, so `--force` removes that and nothing else. */
export const EXPORT_MARKER = '.fcn-studio-export.json';

interface ExportMarker {
  format: string;
  at: string;
  /** Files and folders the export created, relative to its folder with `/` separators. */
  files: string[];
  folders: string[];
  [detail: string]: unknown;
}

/**
 * Throws unless `outDir` is missing, empty, or (with force) an earlier export of ours that lists
 * what it wrote. Returns whether such an export is there to be replaced.
 */
export function checkExportTarget(outDir: string, force: boolean): boolean {
  if (!existsSync(outDir)) return false;
  if (!statSync(outDir).isDirectory()) throw new AppError('CONFLICT', `${outDir} is a file, not a folder`);
  const entries = readdirSync(outDir);
  if (entries.length === 0) return false;
  if (!force) throw new AppError('CONFLICT', `${outDir} is not empty; choose another folder, or --force to replace an earlier export there`);
  if (!entries.includes(EXPORT_MARKER)) throw new AppError('CONFLICT', `${outDir} is not empty and is not an FCN Studio export: refusing to replace it`);
  readMarker(outDir);
  return true;
}

function readMarker(outDir: string): ExportMarker {
  let marker: Partial<ExportMarker>;
  try {
    marker = JSON.parse(readFileSync(resolve(outDir, EXPORT_MARKER), 'utf8')) as Partial<ExportMarker>;
  } catch (err) {
    throw new AppError('CONFLICT', `${outDir}: its ${EXPORT_MARKER} is unreadable (${(err as Error).message}); refusing to replace the folder`);
  }
  if (!Array.isArray(marker.files)) {
    throw new AppError(
      'CONFLICT',
      `${outDir} holds an export that does not list the files it wrote (an older FCN Studio made it): --force cannot tell them from yours; remove it yourself or choose another folder`,
    );
  }
  return { ...marker, files: marker.files, folders: Array.isArray(marker.folders) ? marker.folders : [] } as ExportMarker;
}

/**
 * An export's output folder: every file goes through `file()`, which keeps it inside the folder,
 * refuses to overwrite a file the user put there, and records it for the marker.
 */
export class ExportFolder {
  private readonly files: string[] = [];
  private readonly folders: string[] = [];

  private constructor(readonly dir: string) {}

  /** Makes the folder, after removing what an earlier export of ours wrote there (with force). */
  static async prepare(outDir: string, force: boolean): Promise<ExportFolder> {
    const dir = resolve(outDir);
    if (checkExportTarget(dir, force)) await removeEarlierExport(dir);
    await mkdir(dir, { recursive: true });
    return new ExportFolder(dir);
  }

  /** The path to write a file at; throws (for that file only) when something not ours is in the way. */
  file(...parts: string[]): string {
    const path = this.inside(parts);
    if (existsSync(path)) throw new Error(`${relative(this.dir, path)} is in the way (a file this export did not write): not overwritten`);
    this.files.push(toMarkerPath(relative(this.dir, path)));
    return path;
  }

  async folder(...parts: string[]): Promise<string> {
    const path = this.inside(parts);
    const made = await mkdir(path, { recursive: true });
    if (made !== undefined) {
      // mkdir answers the first folder it made: every folder from there down is ours.
      for (let p = path; p.length >= made.length; p = resolve(p, '..')) this.folders.push(toMarkerPath(relative(this.dir, p)));
    }
    return path;
  }

  /**
   * Records files another process wrote here (the ML process writes model exports), with the
   * folders between them and this one; call requireAbsent first so those folders are new.
   */
  adopt(paths: string[]): void {
    for (const path of paths) {
      const file = this.inside([path]);
      this.files.push(toMarkerPath(relative(this.dir, file)));
      for (let p = resolve(file, '..'); p.startsWith(this.dir + sep); p = resolve(p, '..')) {
        if (!this.folders.includes(toMarkerPath(relative(this.dir, p)))) this.folders.push(toMarkerPath(relative(this.dir, p)));
      }
    }
  }

  /** Refuses (the whole export) when something not ours is where another process will write. */
  requireAbsent(...names: string[]): void {
    for (const name of names) {
      if (existsSync(this.inside([name]))) throw new AppError('CONFLICT', `${this.dir}: ${name} is in the way (not written by an earlier export): not overwritten`);
    }
  }

  async writeMarker(details: Record<string, unknown>): Promise<void> {
    const marker: ExportMarker = { ...details, format: String(details.format), at: new Date().toISOString(), files: this.files, folders: this.folders };
    await writeFile(resolve(this.dir, EXPORT_MARKER), JSON.stringify(marker) + '\n');
  }

  private inside(parts: string[]): string {
    const path = resolve(this.dir, ...parts);
    if (!path.startsWith(this.dir + sep)) throw new Error(`refusing to write outside ${this.dir}: ${path}`);
    return path;
  }
}

const toMarkerPath = (p: string) => p.split(sep).join('/');

/** Removes the files and (then empty) folders an earlier export listed; anything else stays. */
async function removeEarlierExport(dir: string): Promise<void> {
  const marker = readMarker(dir);
  const ours = ownedPath(dir, await realpath(dir));
  for (const file of marker.files) {
    const path = await ours(file);
    if (path === null) continue;
    if ((await lstat(path).catch(() => null))?.isFile()) await rm(path);
  }
  // Deepest first, so a folder emptied of its sub-folders goes too; one holding user files stays.
  for (const folder of [...marker.folders].sort((a, b) => b.length - a.length)) {
    const path = await ours(folder);
    if (path) await rmdir(path).catch(() => undefined);
  }
  await rm(resolve(dir, EXPORT_MARKER));
}

/**
 * A marker's entry as a path in `dir`, or null when it is not really there: outside the folder (a
 * marker edited to point elsewhere), or reached through a link (a sub-folder the user replaced with
 * a link to their photos, whose files carry the names the export gave its copies). Either way what
 * it names is not ours to delete.
 */
function ownedPath(dir: string, realDir: string): (entry: string) => Promise<string | null> {
  return async (entry) => {
    const path = resolve(dir, entry);
    if (!path.startsWith(dir + sep)) return null;
    const parent = await realpath(dirname(path)).catch(() => null);
    return parent === resolve(realDir, relative(dir, dirname(path))) ? path : null;
  };
}
