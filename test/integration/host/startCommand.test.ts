import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { browserOpener, electronBinary } from '../../../electron/host/startCommand';
import { tempDir } from '../../fixtures/images';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');

let root: string;
beforeAll(() => {
  root = tempDir();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the default browser', () => {
  it("uses the platform's opener", () => {
    const url = 'http://127.0.0.1:4321/?token=a-b_c';
    expect(browserOpener(url, 'linux', {})).toEqual({ command: 'xdg-open', args: [url] });
    expect(browserOpener(url, 'darwin', {})).toEqual({ command: 'open', args: [url] });
    expect(browserOpener(url, 'win32', {})).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] });
  });

  it('honours $BROWSER: its first entry, with the URL at %s or appended', () => {
    const url = 'http://127.0.0.1:1/';
    expect(browserOpener(url, 'linux', { BROWSER: 'firefox --new-window' })).toEqual({ command: 'firefox', args: ['--new-window', url] });
    expect(browserOpener(url, 'linux', { BROWSER: ':chromium --app=%s:firefox' })).toEqual({ command: 'chromium', args: [`--app=${url}`] });
  });
});

describe('npm start without Electron', () => {
  it.runIf(electronBinary() === null)('starts browser mode, prints the URL and opens it in the default browser', async () => {
    // A stand-in browser: a real program that records the address it was asked to open.
    const opened = join(root, 'opened.txt');
    const browser = join(root, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(browser, 0o755);
    const child = spawn(process.execPath, [BIN, 'start'], { env: { ...process.env, BROWSER: browser }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', () => undefined);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          if (existsSync(opened) && readFileSync(opened, 'utf8')) {
            clearInterval(timer);
            resolve(readFileSync(opened, 'utf8'));
          }
        }, 100);
        child.once('exit', (code) => {
          clearInterval(timer);
          reject(new Error(`start exited (${code}) before opening a browser:\n${stdout}`));
        });
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      expect(stdout).toContain('Electron is not installed here');
      expect(stdout).toContain(`FCN Studio is at ${url}`);
      // The address works: the studio's page, with the token the browser was given.
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  }, 180_000);
});
