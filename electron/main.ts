/**
 * The Electron shell: one window on the built renderer, the backend in this process, the ML
 * process as a child. Only this file and preload.ts import `electron`.
 */
import { app, BrowserWindow, ipcMain, net, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EVENT_NAMES } from '../shared/contract/rendererContract';
import { APP_CSP, APP_ORIGIN, APP_SCHEME, resolveAppFile } from './shell/appProtocol';
import { isTrustedSender, mayNavigate, windowOpenDecision } from './shell/windowPolicy';
import { Backend, MlSupervisor } from './shellBackend';

const RENDERER_DIR = join(__dirname, '..', 'renderer');
// The window's icon where the desktop file does not give one (Linux without an installed .desktop, `npm start`).
const ICON = join(__dirname, '..', '..', 'resources', 'icon.png');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

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
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppFile(RENDERER_DIR, request.url);
    if (!('file' in resolved)) return new Response(resolved.reason, { status: resolved.status });
    const response = await net.fetch(pathToFileURL(resolved.file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', APP_CSP);
    return new Response(response.body, { status: response.status, headers });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'FCN Studio',
    icon: ICON,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  // No new windows and no navigation away from the studio; https links open in the user's browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  const refuseNavigation = (event: { preventDefault(): void }, url: string) => {
    if (!mayNavigate(url)) event.preventDefault();
  };
  win.webContents.on('will-navigate', refuseNavigation);
  win.webContents.on('will-redirect', refuseNavigation);
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

// The studio embeds no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(() => {
  // The studio needs no web permission (camera, notifications, …): every request and check is refused.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer();
  ml.start();
  const project = projectArgument();
  if (project) backend.openProject(project);

  ipcMain.handle('fcn:invoke', (event, channel: unknown, request: unknown) => {
    if (!isTrustedSender(event.senderFrame)) {
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
