import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../shared/contract/binaryFrame';
import { answers, rawExchange, rawWebSocket, startServerProcess, wsFrame, type ServerProcess } from '../../fixtures/hostileClient';
import { tempDir } from '../../fixtures/images';

// Each case: one request that used to kill the whole server. The server runs in its own process,
// so "still alive" means the process did not exit and it still serves a token holder.
let root: string;
let server: ServerProcess;

beforeAll(() => {
  root = tempDir();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
// A fresh server per case, so one crash is charged to the request that caused it.
beforeEach(async () => {
  server = await startServerProcess(root);
});
afterEach(async () => {
  try {
    expect(server.child.exitCode, server.stderr()).toBeNull();
    expect(await answers(server.port, server.token), server.stderr()).toBe(true);
  } finally {
    await server.stop();
  }
});

const host = () => `Host: 127.0.0.1:${server.port}\r\n`;
const upgradeHeaders = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

describe('the server survives hostile requests', () => {
  it('refuses a WebSocket upgrade whose Origin is null or not a URL', async () => {
    for (const origin of ['null', 'not a url', '://', 'http://[bad']) {
      const reply = await rawExchange(server.port, `GET /api HTTP/1.1\r\n${host()}${upgradeHeaders}Origin: ${origin}\r\n\r\n`);
      expect(reply).toMatch(/^HTTP\/1\.1 40[13]/);
      const withToken = await rawExchange(server.port, `GET /api?token=${server.token} HTTP/1.1\r\n${host()}${upgradeHeaders}Origin: ${origin}\r\n\r\n`);
      expect(withToken).toMatch(/^HTTP\/1\.1 403/);
    }
  });

  it('answers 400 to request targets that are no URL, with or without the token', async () => {
    for (const target of ['//[::1', 'http://[bad/', `//[::1?token=${server.token}`]) {
      expect(await rawExchange(server.port, `GET ${target} HTTP/1.1\r\n${host()}\r\n`)).toMatch(/^HTTP\/1\.1 400/);
      expect(await rawExchange(server.port, `GET ${target} HTTP/1.1\r\n${host()}${upgradeHeaders}\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    }
  });

  it('answers what is no HTTP with 400, and headers past the limit with 431', async () => {
    expect(await rawExchange(server.port, 'HELLO\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawExchange(server.port, `GET / HTTP/1.1\r\n${host()}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431/);
  });

  it('answers 400 to malformed percent-encoding in a path', async () => {
    for (const path of ['/%', '/%c0%ae', '/a%zz', '/%E0%A4%A']) {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}?token=${server.token}`);
      expect(res.status).toBe(400);
    }
  });

  it('closes a socket that claims a 1 GiB frame or uses an invalid opcode, and keeps serving the others', async () => {
    const frames = [
      wsFrame(2, new Uint8Array(16), { claimedLength: 2 ** 30 }),
      wsFrame(0x3, new Uint8Array(4)), // reserved opcode
      wsFrame(2, encodeFrame({ type: 'invoke', id: 1, channel: 'app:info', request: {} }), { mask: false }), // clients must mask
      wsFrame(0x9, new Uint8Array(200)), // a ping longer than a control frame may be
    ];
    for (const frame of frames) {
      const socket = await rawWebSocket(server.port, server.token);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => {});
      socket.write(frame);
      await closed;
    }
  });
});
