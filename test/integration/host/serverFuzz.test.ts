import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type SocketMessage } from '../../../shared/contract/binaryFrame';
import { answers, rawExchange, rawWebSocket, startServerProcess, wsFrame, type ServerProcess } from '../../fixtures/hostileClient';
import { presetClassFile } from '../../../shared/domain/presets';
import { encodeMaskPng } from '../../../shared/mask/maskPng';
import { importImages } from '../../../electron/backend/importService';
import { Project } from '../../../electron/backend/project';
import { tempDir, writeImage } from '../../fixtures/images';

// Random and malformed HTTP requests, upgrade headers and WebSocket frames thrown at a live server
// (its own process, on loopback) for a bounded time; it must still answer a valid request after.
// A failure prints its seed: FUZZ_SEED=<seed> replays the same sequence.
const TIME_BUDGET_MS = Number(process.env.FUZZ_MS ?? 45_000);
const MAX_CASES = 5_000;
const PARALLEL = 6;
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let root: string;
let server: ServerProcess;
beforeAll(async () => {
  root = tempDir();
  // A project with images and a mask, so requests reach labels, pixels and thumbnails, not only NO_PROJECT.
  const project = Project.create(join(root, 'p'), presetClassFile('voc'));
  for (const i of [1, 2]) await writeImage(join(root, `img${i}.png`), 8, 6, 'png', i);
  await importImages(project, { paths: [join(root, 'img1.png'), join(root, 'img2.png')] });
  project.masks.save({ imageId: 1, baseVersion: 0, png: VALID_MASK, labeledPixels: 48, classCounts: new Map([[1, 48]]), source: 'editor' });
  project.close();
  server = await startServerProcess(root, { project: join(root, 'p') });
});
afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** mulberry32: small, seedable, good enough to pick fuzz cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const text = (n: number) => Buffer.from(bytes(n)).toString('latin1');
  return { next, int, pick, bytes, text, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE', 'PATCH', 'G\x00T', ''];
const TARGETS = ['/', '/api', '//[::1', 'http://[bad/', '/%', '/%c0%ae', '/%00', '/..%2f..%2fetc%2fpasswd', '*', 'http://evil.example/', '/a?token=', '/?token=%zz', '/assets/%2e%2e/%2e%2e/x', '/' + 'a'.repeat(9_000)];
const ORIGINS = ['null', 'not a url', '://', 'http://[bad', 'http://evil.example', 'file://', 'http://127.0.0.1:1', ''];
const VALID_MASK = encodeMaskPng({ width: 8, height: 6, values: new Uint8Array(48).fill(1) });
const CHANNELS = ['images:pixels', 'images:thumbnail', 'labels:get', 'labels:save', 'app:info', 'images:list', 'classes:list', 'runs:list', 'labels:get', 'labels:save', 'ml:status', '__proto__', 'constructor', 'nope:nope', ''];

function target(r: Rng, token: string): string {
  const base = r.chance(0.6) ? r.pick(TARGETS) : '/' + encodeURI(r.text(r.int(40)));
  if (!r.chance(0.5)) return base;
  return base + (base.includes('?') ? '&' : '?') + 'token=' + (r.chance(0.5) ? token : r.text(r.int(32)));
}

function headers(r: Rng, port: number, token: string): string {
  const lines: string[] = [];
  if (r.chance(0.8)) lines.push(`Host: ${r.chance(0.7) ? `127.0.0.1:${port}` : r.text(r.int(30))}`);
  if (r.chance(0.3)) lines.push(`Cookie: fcn_studio_token=${r.chance(0.5) ? token : r.text(r.int(40))}`);
  if (r.chance(0.2)) lines.push(`Content-Length: ${r.pick(['-1', '99999999999999999999', 'abc', '5', '0'])}`);
  if (r.chance(0.2)) lines.push('Transfer-Encoding: chunked');
  for (let i = r.int(3); i > 0; i--) lines.push(`${r.text(r.int(12))}: ${r.text(r.int(40))}`);
  return lines.map((l) => l + '\r\n').join('');
}

function httpCase(r: Rng, port: number, token: string): string {
  const line = `${r.pick(METHODS)} ${target(r, token)} ${r.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', ''])}\r\n`;
  const body = r.chance(0.3) ? r.text(r.int(200)) : '';
  return line + headers(r, port, token) + (r.chance(0.9) ? '\r\n' : '') + body;
}

function upgradeCase(r: Rng, port: number, token: string): string {
  const lines = [
    `GET ${r.chance(0.7) ? `/api?token=${r.chance(0.7) ? token : 'x'}` : target(r, token)} HTTP/1.1`,
    `Host: ${r.chance(0.9) ? `127.0.0.1:${port}` : r.text(r.int(20))}`,
    `Upgrade: ${r.pick(['websocket', 'WebSocket', 'h2c', r.text(8)])}`,
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${r.chance(0.7) ? randomBytes(16).toString('base64') : r.text(r.int(30))}`,
    `Sec-WebSocket-Version: ${r.pick(['13', '8', '', 'x'])}`,
  ];
  if (r.chance(0.6)) lines.push(`Origin: ${r.chance(0.8) ? r.pick(ORIGINS) : r.text(r.int(30))}`);
  if (r.chance(0.3)) lines.push(`Sec-WebSocket-Extensions: ${r.pick(['permessage-deflate; client_max_window_bits=99', 'permessage-deflate', r.text(20)])}`);
  return lines.join('\r\n') + '\r\n\r\n' + (r.chance(0.3) ? r.text(r.int(64)) : '');
}

/** A message in the binary frame format of shared/contract/binaryFrame.ts, then garbled. */
function socketMessage(r: Rng): Uint8Array {
  const png = r.pick([r.bytes(r.int(64)), VALID_MASK, garbled(r, VALID_MASK)]);
  const request = r.pick<unknown>([{}, null, { imageId: r.int(4), baseVersion: r.int(4) - 1, png }, { id: r.int(4) }, { id: 'x' }, [1, 2], 'str']);
  const frame = encodeFrame({ type: r.pick(['invoke', 'reply', 'event', 'x']), id: r.int(1e6), channel: r.pick(CHANNELS), request });
  const garble = r.int(6);
  if (garble === 0) return frame;
  if (garble === 1) return frame.subarray(0, r.int(frame.length)); // truncated
  const out = Uint8Array.from(frame);
  if (garble === 2) new DataView(out.buffer).setUint32(0, r.int(2 ** 32), true); // header length lies
  if (garble === 3) for (let i = r.int(8); i >= 0; i--) out[r.int(out.length)] = r.int(256); // flipped bytes
  if (garble === 4) return encodeLyingAttachments(r);
  if (garble === 5) return Buffer.concat([out, r.bytes(r.int(64))]);
  return out;
}

/** A copy with a few bytes changed (a PNG whose header, chunk lengths or pixel data lie). */
function garbled(r: Rng, bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = r.int(4); i >= 0; i--) out[r.int(out.length)] = r.int(256);
  return out;
}

function encodeLyingAttachments(r: Rng): Uint8Array {
  const refs = Array.from({ length: r.int(4) + 1 }, () => ({ $bin: r.pick([0, 1, -1, 1e9, 0.5, NaN]), $len: r.pick([0, 5, -3, 2 ** 31, NaN]) }));
  const header = Buffer.from(JSON.stringify({ type: 'invoke', id: 1, channel: 'labels:save', request: { png: refs } }));
  const frame = Buffer.alloc(4 + header.length + r.int(16));
  frame.writeUInt32LE(header.length, 0);
  header.copy(frame, 4);
  return frame;
}

function frames(r: Rng): Buffer[] {
  return Array.from({ length: r.int(4) + 1 }, () => {
    const kind = r.int(5);
    if (kind === 0) return wsFrame(2, socketMessage(r)); // well framed, payload in our format
    if (kind === 1) return wsFrame(r.int(16), r.bytes(r.int(300)), { fin: r.chance(0.7), mask: r.chance(0.8) });
    if (kind === 2) return wsFrame(r.pick([1, 2, 0]), r.bytes(r.int(32)), { claimedLength: r.pick([2 ** 30, 2 ** 40, 65_535, 126, 0]) });
    if (kind === 3) return wsFrame(8, Buffer.concat([Buffer.from([r.int(256), r.int(256)]), r.bytes(r.int(200))])); // close, odd codes
    return Buffer.from(r.bytes(r.int(64) + 1)); // not a frame at all
  });
}

async function socketCase(r: Rng, port: number, token: string): Promise<void> {
  let socket;
  try {
    socket = await rawWebSocket(port, token);
  } catch {
    return; // refused: an answer too
  }
  socket.on('error', () => {});
  for (const f of frames(r)) {
    if (socket.destroyed) break;
    if (r.chance(0.3)) {
      const cut = r.int(f.length);
      socket.write(f.subarray(0, cut));
      socket.write(f.subarray(cut));
    } else socket.write(f);
  }
  await new Promise((resolve) => setTimeout(resolve, r.int(40)));
  socket.destroy();
}

function validInvoke(port: number, token: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
    ws.once('error', reject);
    ws.once('open', () => ws.send(encodeFrame({ type: 'invoke', id: 7, channel: 'app:info', request: {} })));
    ws.on('message', (data: Buffer) => {
      const m = decodeFrame(new Uint8Array(data)) as SocketMessage;
      if (m.type === 'reply' && m.id === 7) {
        ws.close();
        resolve(m.result);
      }
    });
  });
}

it(`survives about ${TIME_BUDGET_MS / 1000} s of random and malformed requests, upgrades and frames (seed ${SEED})`, { timeout: TIME_BUDGET_MS + 60_000 }, async () => {
  const r = prng(SEED);
  const { port, token } = server;
  const deadline = performance.now() + TIME_BUDGET_MS;
  const counts = { http: 0, garbage: 0, upgrade: 0, socket: 0 };
  let cases = 0;
  const one = async (): Promise<void> => {
    const kind = r.int(4);
    if (kind === 0) {
      counts.http++;
      await rawExchange(port, httpCase(r, port, token), 300);
    } else if (kind === 1) {
      counts.garbage++;
      await rawExchange(port, r.bytes(r.int(512) + 1), 200);
    } else if (kind === 2) {
      counts.upgrade++;
      await rawExchange(port, upgradeCase(r, port, token), 300);
    } else {
      counts.socket++;
      await socketCase(r, port, token);
    }
  };
  while (cases < MAX_CASES && performance.now() < deadline) {
    await Promise.all(Array.from({ length: PARALLEL }, one));
    cases += PARALLEL;
    if (cases % (PARALLEL * 25) === 0) {
      expect(server.child.exitCode, `seed ${SEED}, after ${cases} cases:\n${server.stderr()}`).toBeNull();
    }
  }
  console.log(`fuzz: ${cases} cases (${JSON.stringify(counts)}), seed ${SEED}`);
  expect(server.child.exitCode, `seed ${SEED}:\n${server.stderr()}`).toBeNull();
  expect(await answers(port, token), `seed ${SEED}`).toBe(true);
  expect(await validInvoke(port, token)).toMatchObject({ ok: true, value: { mode: 'browser' } });
});
