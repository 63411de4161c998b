import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type SocketMessage } from '../../shared/contract/binaryFrame';
import { EVENT_NAMES } from '../../shared/contract/rendererContract';
import type { Backend } from '../backend/backend';

export interface StudioServerOptions {
  backend: Backend;
  /** The built renderer (index.html and its assets). */
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface StudioServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'fcn_studio_token';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
// Same policy as the Electron window: our own scripts only; images may be blob: URLs (thumbnails).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Browser mode: serves the renderer and carries the renderer contract over one WebSocket.
 * Every request must hold the session token (in the URL once, then in a same-site cookie), and the
 * Host header must name this server, so other sites and other users of the machine get nothing.
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = resolve(options.staticDir);
  const sockets = new Set<WebSocket>();
  let port = 0;

  const authorise = (req: IncomingMessage): 200 | 401 | 403 => {
    if (!hostAllowed(req.headers.host, host, port)) return 403;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const presented = url.searchParams.get('token') ?? readCookie(req.headers.cookie, COOKIE);
    if (presented === null) return 401;
    return safeEqual(presented, token) ? 200 : 403;
  };

  const server = createServer((req, res) => {
    const verdict = authorise(req);
    if (verdict !== 200) return refuse(res, verdict);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    serveStatic(staticRoot, url.pathname, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 2 ** 20 });
  server.on('upgrade', (req, socket, head) => {
    const verdict = authorise(req);
    const origin = req.headers.origin;
    const sameOrigin = origin === undefined || hostAllowed(new URL(origin).host, host, port);
    if (verdict !== 200 || !sameOrigin || new URL(req.url ?? '/', 'http://localhost').pathname !== '/api') {
      socket.end(`HTTP/1.1 ${verdict === 401 ? '401 Unauthorized' : '403 Forbidden'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => void onSocketMessage(ws, data as Buffer, isBinary));
    });
  });

  const onSocketMessage = async (ws: WebSocket, data: Buffer, isBinary: boolean) => {
    let message: SocketMessage;
    try {
      if (!isBinary) throw new Error('text frames are not part of the protocol');
      message = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as SocketMessage;
    } catch {
      ws.close(1003, 'malformed frame');
      return;
    }
    if (message.type !== 'invoke') return;
    const result = await options.backend.invoke(message.channel, message.request);
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ type: 'reply', id: message.id, result } satisfies SocketMessage));
  };

  const forwarders = EVENT_NAMES.map((name) => {
    const listener = (payload: unknown) => {
      const frame = encodeFrame({ type: 'event', name, payload } satisfies SocketMessage);
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
    };
    options.backend.events.on(name, listener);
    return () => options.backend.events.off(name, listener);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    close: async () => {
      forwarders.forEach((off) => off());
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function refuse(res: ServerResponse, status: 401 | 403): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(
    status === 401
      ? 'FCN Studio: this session needs its token. Open the URL that `fcn-studio serve` printed.\n'
      : 'FCN Studio: wrong token or host.\n',
  );
}

function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  const relativePath = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = join(root, relativePath);
  if (!file.startsWith(root + sep) && file !== root) return refuse(res, 403);
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html'); // single-page app
  if (!existsSync(file)) {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('The renderer is not built: run `npm run build:renderer`.\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * On loopback, only loopback names (a page under another name must not reach us: DNS rebinding).
 * Bound to another address on purpose (a headless GPU box), any name is accepted: the token guards.
 */
function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  if (!LOOPBACK.has(boundHost)) return true;
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  allowed.add(boundHost.includes(':') ? `[${boundHost}]:${port}` : `${boundHost}:${port}`);
  return allowed.has(hostHeader.toLowerCase());
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
