import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type SocketMessage } from '../../../shared/contract/binaryFrame';
import { Backend } from '../../../electron/backend/backend';
import { startStudioServer, type StudioServer } from '../../../electron/host/server';
import { tempDir, writeImage } from '../../fixtures/images';

let root: string;
let server: StudioServer;
let backend: Backend;

beforeAll(async () => {
  root = tempDir();
  const staticDir = join(root, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  backend = new Backend({ mode: 'browser', version: 'test' });
  server = await startStudioServer({ backend, staticDir });
});
afterAll(async () => {
  await server.close();
  await backend.dispose();
  rmSync(root, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${server.port}`;

function connect(headers: Record<string, string> = {}, query = `?token=${server.token}`): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function invoke(ws: WebSocket, id: number, channel: string, request: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const m = decodeFrame(new Uint8Array(data)) as SocketMessage;
      if (m.type === 'reply' && m.id === id) {
        ws.off('message', onMessage);
        resolve(m.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeFrame({ type: 'invoke', id, channel, request }));
  });
}

describe('browser-mode server', () => {
  it('binds to loopback and refuses requests without the token (401) or with a wrong one (403)', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect((await fetch(`${base()}/`)).status).toBe(401);
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(403);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    // The cookie alone is then enough for the page's assets.
    expect((await fetch(`${base()}/assets/x.js`, { headers: { cookie: cookie.split(';')[0] } })).status).toBe(200);
  });

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: server.port, path: `/?token=${server.token}`, headers: { host: `evil.example:${server.port}` } }, (res) =>
        resolve(res.statusCode!),
      ).end();
    });
    expect(status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    const res = await fetch(`${base()}/..%2f..%2fetc%2fpasswd?token=${server.token}`);
    expect(await res.text()).not.toContain('root:');
  });

  it('refuses sockets without the token or from another origin', async () => {
    await expect(connect({}, '')).rejects.toThrow(/401/);
    await expect(connect({}, '?token=nope')).rejects.toThrow(/403/);
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('carries the contract over the socket, bytes as bytes, and pushes events', async () => {
    const ws = await connect({ origin: `http://127.0.0.1:${server.port}` });
    const events: string[] = [];
    ws.on('message', (data: Buffer) => {
      const m = decodeFrame(new Uint8Array(data)) as SocketMessage;
      if (m.type === 'event') events.push(m.name);
    });
    expect(await invoke(ws, 1, 'images:list', {})).toMatchObject({ ok: false, error: { code: 'NO_PROJECT' } });
    expect(await invoke(ws, 2, 'project:create', { path: join(root, 'p'), preset: 'voc' })).toMatchObject({ ok: true });
    const img = join(root, 'a.png');
    await writeImage(img, 30, 20, 'png');
    await invoke(ws, 3, 'images:import', { paths: [img] });
    await expect.poll(() => events.includes('images:importDone')).toBe(true);
    const list = (await invoke(ws, 4, 'images:list', {})) as { value: Array<{ id: number }> };
    const thumb = (await invoke(ws, 5, 'images:thumbnail', { id: list.value[0].id })) as { value: { bytes: Uint8Array } };
    expect(thumb.value.bytes).toBeInstanceOf(Uint8Array);
    expect(thumb.value.bytes[0]).toBe(0xff);
    ws.close();
  });

  it('closes a socket whose message header is too large to parse on the event loop (1009), answering nothing', async () => {
    const ws = await connect();
    const replies: unknown[] = [];
    ws.on('message', (data: Buffer) => replies.push(decodeFrame(new Uint8Array(data))));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(encodeFrame({ type: 'invoke', id: 1, channel: 'app:info', request: { padding: 'x'.repeat(17 * 2 ** 20) } }));
    expect(await closed).toBe(1009);
    expect(replies).toEqual([]);
  });

  it('closes a socket that sends a malformed frame', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('hello');
    expect(await closed).toBe(1003);
  });
});
