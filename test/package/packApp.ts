import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Platform, build } from 'electron-builder';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The Electron version the app is built for: the installed `electron` package's. */
export function electronVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Electron's binary cannot be downloaded here: electron-builder takes a folder holding a
 * placeholder `electron` executable instead (`electronDist`) and packs everything else for real.
 */
function standInElectron(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, 'electron');
  writeFileSync(exe, '#!/bin/sh\necho "stand-in for Electron (dist:check); it does not run" >&2\nexit 1\n');
  chmodSync(exe, 0o755);
  return dir;
}

/**
 * Packs the built app (`npm run build` first) for Linux as an unpacked folder with the project's
 * electron-builder config, offline: the stand-in Electron, no native rebuild (that needs Electron's
 * headers from the network; the natives stay built for this Node, so the package runs under it).
 * Returns the `resources` folder holding app.asar and app.asar.unpacked.
 */
export async function packApp(outDir: string): Promise<string> {
  for (const built of ['dist/electron/main.cjs', 'dist/electron/ml-worker.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm run dist:check does)`);
  }
  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir'),
    config: {
      electronDist: standInElectron(join(outDir, 'electron-stand-in')),
      electronVersion: electronVersion(),
      npmRebuild: false,
      directories: { output: join(outDir, 'out') },
      publish: null,
    },
  });
  return join(outDir, 'out', 'linux-unpacked', 'resources');
}
