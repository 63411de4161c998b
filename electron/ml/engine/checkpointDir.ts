import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/*
 * Checkpoint folders are replaced by a swap, so that the ML process may be killed at any moment
 * (a cancel that does not wait for the step, a crash) and a complete checkpoint is always found:
 *   write dir.tmp-PID → rename dir → dir.old-PID → rename dir.tmp-PID → dir → remove dir.old-PID.
 * Between the two renames `dir` is missing: recoverCheckpointDir (for the writer) puts the old
 * one back, readableCheckpointDir (for readers) finds it without moving anything.
 * No TF.js here: the backend calls it too.
 */

/** Moves the complete folder `tmp` into place as `dir`. */
export async function swapCheckpointDir(tmp: string, dir: string): Promise<void> {
  const old = `${dir}.old-${process.pid}`;
  await rm(old, { recursive: true, force: true });
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/**
 * After an interrupted save: restores the previous checkpoint when `dir` went missing between
 * the renames, and removes half-written and replaced folders. Safe to call at any time when no
 * save is running.
 */
export function recoverCheckpointDir(dir: string): void {
  const parent = dirname(dir);
  if (!existsSync(parent)) return;
  const base = basename(dir);
  const leftovers = readdirSync(parent).filter((name) => name.startsWith(`${base}.old-`) || name.startsWith(`${base}.tmp-`));
  if (!existsSync(join(dir, 'model.json'))) {
    // model.json is written last: an .old- folder with one is a complete checkpoint.
    const previous = leftovers.find((name) => name.startsWith(`${base}.old-`) && existsSync(join(parent, name, 'model.json')));
    if (previous) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(join(parent, previous), dir);
    }
  }
  for (const name of leftovers) rmSync(join(parent, name), { recursive: true, force: true });
}

/**
 * Where to read the checkpoint `dir` from without changing anything (a reader may run while
 * another process saves): `dir` when complete, else the replaced folder of an interrupted swap.
 */
export function readableCheckpointDir(dir: string): string {
  if (existsSync(join(dir, 'model.json'))) return dir;
  const parent = dirname(dir);
  const base = basename(dir);
  if (!existsSync(parent)) return dir;
  const previous = readdirSync(parent).find((name) => name.startsWith(`${base}.old-`) && existsSync(join(parent, name, 'model.json')));
  return previous ? join(parent, previous) : dir;
}
