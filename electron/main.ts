/**
 * The Electron shell: one window on the built renderer, the backend in this process, the ML
 * process as a child. Only this file and preload.ts import `electron`.
 */
import { app, BrowserWindow, ipcMain, net, protocol, shell } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EVENT_NAMES } from '../shared/contract/rendererContract';
import { Backend } from './backend/backend';
import { MlSupervisor } from './backend/mlSupervisor';

const RENDERER_DIR = join(__dirname, '..', 'renderer');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const ml = new MlSupervisor({
  entry: join(__dirname, 'ml-worker.cjs'),
  // Electron's binary runs the worker as plain Node: one process type, the same code as browser mode.
  env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
});
const backend = new Backend({ mode: 'electron', version: app.getVersion(), ml });

function projectArgument(): string | undefined {
  const i = process.argv.indexOf('--project');
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function serveRenderer(): void {
  // app://studio/<file> maps into the built renderer, never outside it, with the CSP as a header.
  protocol.handle('app', async (request) => {
    const path = normalize(decodeURIComponent(new URL(request.url).pathname)).replace(/^([/\\])+/, '');
    const file = join(RENDERER_DIR, path || 'index.html');
    if (!file.startsWith(RENDERER_DIR + sep)) return new Response('forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CSP);
    return new Response(response.body, { status: response.status, headers });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'FCN Studio',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // No new windows and no navigation away from the studio; links open in the user's browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith('app://studio/')) event.preventDefault();
  });
  void win.loadURL('app://studio/index.html');
  return win;
}

app.whenReady().then(() => {
  serveRenderer();
  ml.start();
  const project = projectArgument();
  if (project) backend.openProject(project);

  ipcMain.handle('fcn:invoke', (event, channel: unknown, request: unknown) => {
    if (!event.senderFrame?.url.startsWith('app://studio/')) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'requests are accepted only from the studio window' } };
    }
    return backend.invoke(String(channel), request);
  });
  for (const name of EVENT_NAMES) {
    backend.events.on(name, (payload: unknown) => {
      for (const win of BrowserWindow.getAllWindows()) win.webContents.send('fcn:event', name, payload);
    });
  }
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', (event) => {
  event.preventDefault();
  void backend.dispose().finally(() => app.exit(0));
});
