import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type SocketMessage } from '../../shared/contract/binaryFrame';
import { contentSecurityPolicy } from '../../shared/contract/contentSecurityPolicy';
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
/** The largest socket message: file uploads travel in one. */
const MAX_SOCKET_MESSAGE_BYTES = 512 * 2 ** 20;
/** The largest JSON header of a socket message (its attachments not counted). */
const MAX_SOCKET_HEADER_BYTES = 16 * 2 ** 20;
// Same policy as the Electron window: our own scripts only; images may be blob: URLs (thumbnails).
const CSP = contentSecurityPolicy('websocket');

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

  /** The request's target as a URL, or the status that refuses it. */
  const authorise = (req: IncomingMessage): { url: URL } | { status: RefusalStatus } => {
    if (!hostAllowed(req.headers.host, host, port)) return { status: 403 };
    const url = parseTarget(req.url);
    if (!url) return { status: 400 };
    const presented = url.searchParams.get('token') ?? readCookie(req.headers.cookie, COOKIE);
    if (presented === null) return { status: 401 };
    return safeEqual(presented, token) ? { url } : { status: 403 };
  };

  const server = createServer((req, res) => {
    // A listener that throws takes the whole process down: whatever a client sends, answer it here.
    try {
      const verdict = authorise(req);
      if ('status' in verdict) return refuse(res, verdict.status);
      if (verdict.url.searchParams.has('token')) {
        res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      }
      serveStatic(staticRoot, verdict.url.pathname, res);
    } catch (err) {
      failRequest(res, err);
    }
  });
  // Bytes that are no HTTP at all (or a socket reset mid-request): answer 400 when still possible.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_MESSAGE_BYTES });
  server.on('upgrade', (req, socket: Duplex, head) => {
    // Node removes its own error handler from an upgraded socket: a reset here must not be unhandled.
    socket.on('error', () => socket.destroy());
    try {
      const verdict = authorise(req);
      const refusal = 'status' in verdict ? verdict.status : !originAllowed(req.headers.origin, host, port) || verdict.url.pathname !== '/api' ? 403 : null;
      if (refusal !== null) {
        socket.end(`HTTP/1.1 ${refusal} ${STATUS_TEXT[refusal]}\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        // An oversize or invalid frame: ws closes that client and reports it here; the others carry on.
        ws.on('error', () => ws.terminate());
        ws.on('message', (data, isBinary) => void onSocketMessage(ws, data as Buffer, isBinary));
      });
    } catch {
      socket.destroy();
    }
  });

  const onSocketMessage = async (ws: WebSocket, data: Buffer, isBinary: boolean) => {
    let message: SocketMessage;
    // Pixels travel as attachments; the JSON header of any request is small. One of many MiB would
    // only hold every client up while JSON.parse runs on this event loop: refuse it unread.
    if (isBinary && data.byteLength >= 4 && data.readUInt32LE(0) > MAX_SOCKET_HEADER_BYTES) {
      ws.close(1009, 'message header too large');
      return;
    }
    try {
      if (!isBinary) throw new Error('text frames are not part of the protocol');
      message = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as SocketMessage;
    } catch {
      ws.close(1003, 'malformed frame');
      return;
    }
    if (message?.type !== 'invoke') return;
    try {
      const result = await options.backend.invoke(message.channel, message.request);
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ type: 'reply', id: message.id, result } satisfies SocketMessage));
    } catch {
      // invoke answers every error itself; what is left is a reply that cannot be encoded or sent.
      ws.close(1011, 'internal error');
    }
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

type RefusalStatus = 400 | 401 | 403;
const STATUS_TEXT: Record<RefusalStatus, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };
const REFUSAL_TEXT: Record<RefusalStatus, string> = {
  400: 'FCN Studio: malformed request.\n',
  401: 'FCN Studio: this session needs its token. Open the URL that `fcn-studio serve` printed.\n',
  403: 'FCN Studio: wrong token or host.\n',
};

function refuse(res: ServerResponse, status: RefusalStatus): void {
  // A refused client gets no kept-alive connection to try again on.
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end(REFUSAL_TEXT[status]);
}

function failRequest(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`FCN Studio: ${(err as Error)?.message ?? 'internal error'}\n`);
}

/** `req.url` against a fixed base; null when it is no URL at all (`//[::1`, `http://[bad/`). */
function parseTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return refuse(res, 400); // `/%`, `/%c0%ae`: no path names that
  }
  const relativePath = normalize(decoded).replace(/^([/\\])+/, '');
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
  // pipe() does not forward a read error (a file made unreadable meanwhile): end the response instead.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
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

/** No Origin (a non-browser client) is allowed; `null`, a non-URL or another site's origin is not. */
function originAllowed(origin: string | undefined, boundHost: string, port: number): boolean {
  if (origin === undefined) return true;
  try {
    return hostAllowed(new URL(origin).host, boundHost, port);
  } catch {
    return false;
  }
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
