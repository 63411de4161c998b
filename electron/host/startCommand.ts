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

/**
 * How to open `url` in the user's default browser: `$BROWSER` where set (the convention xdg-utils
 * and Python's webbrowser follow; `%s` marks where the URL goes), else the platform's own opener.
 */
export function browserOpener(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  const chosen = env.BROWSER?.split(platform === 'win32' ? ';' : ':').find((entry) => entry.trim() !== '');
  if (chosen) {
    const [command, ...args] = chosen.trim().split(/\s+/);
    return args.some((a) => a.includes('%s')) ? { command, args: args.map((a) => a.replaceAll('%s', url)) } : { command, args: [...args, url] };
  }
  // rundll32 takes the URL as one argument; `cmd /c start` would parse & and ^ in it.
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  return { command: 'xdg-open', args: [url] };
}

/** Starts the default browser on `url`, detached; false (after saying so) where there is none. */
export function openInBrowser(url: string): Promise<boolean> {
  const { command, args } = browserOpener(url);
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.once('error', (error) => {
      process.stdout.write(`Could not open a browser (${command}: ${(error as NodeJS.ErrnoException).code ?? error.message}); open the address above yourself.\n`);
      resolve(false);
    });
    child.once('spawn', () => {
      process.stdout.write(`Opening it in your default browser (${command}).\n`);
      child.unref();
      resolve(true);
    });
  });
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
  await openInBrowser(server.url);
  process.stdout.write('Press Ctrl+C to stop the studio.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
}
