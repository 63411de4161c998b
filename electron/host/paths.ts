import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json is), from this file's place in electron/host/. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_DIST = join(PACKAGE_ROOT, 'dist', 'renderer');
export const ML_WORKER_SOURCE = join(PACKAGE_ROOT, 'electron', 'ml', 'worker.ts');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function rendererBuilt(): boolean {
  return existsSync(join(RENDERER_DIST, 'index.html'));
}
