import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths';
import { startBrowserMode } from './studioHost';

/** The Electron binary's path, or null where only Electron's package (no binary) is installed. */
export function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** `npm start`: the desktop app where Electron is installed, browser mode otherwise. */
export async function startApp(project: string | undefined): Promise<void> {
  const electron = electronBinary();
  if (electron) {
    const { buildElectron } = await import('../build.mjs' as string);
    await (buildElectron as () => Promise<void>)();
    const child = spawn(electron, [join(PACKAGE_ROOT, 'dist', 'electron', 'main.cjs'), ...(project ? ['--project', project] : [])], {
      stdio: 'inherit',
    });
    await new Promise<void>((resolve) => child.on('exit', () => resolve()));
    return;
  }
  process.stdout.write('Electron is not installed here (run `npm run electron:install` to get it); starting browser mode instead.\n');
  const { server, stop } = await startBrowserMode({ project, buildRenderer: true });
  process.stdout.write(`FCN Studio is at ${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
}
