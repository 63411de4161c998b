import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { FileState } from '../../shared/domain/images';
import type { Project } from './project';

/**
 * Checks every image's source file against what was recorded at import: missing, or changed
 * (size or modification time differ and the content hash no longer matches). Such images are
 * flagged so nothing trains on, or labels over, a file that is no longer the one labeled.
 */
export async function verifyImageFiles(project: Project): Promise<{ checked: number; missing: number; modified: number }> {
  let missing = 0;
  let modified = 0;
  const images = project.images.all();
  for (const image of images) {
    const state = await currentFileState(project.resolveImagePath(image.path), image);
    if (state === 'missing') missing++;
    if (state === 'modified') modified++;
    if (state !== image.fileState) project.images.setFileState(image.id, state);
  }
  return { checked: images.length, missing, modified };
}

async function currentFileState(path: string, recorded: { byteSize: number; mtimeMs: number; sha256: string }): Promise<FileState> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 'missing';
  }
  if (info.size === recorded.byteSize && Math.floor(info.mtimeMs) === recorded.mtimeMs) return 'ok';
  // A touched file may still hold the same bytes (a copy, a restore from backup): the hash decides.
  const sha = createHash('sha256').update(await readFile(path)).digest('hex');
  return sha === recorded.sha256 ? 'ok' : 'modified';
}
