import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { INSTALL_HINT, findChromium } from '../chromiumPath';

const ROOT = join(import.meta.dirname, '..', '..');
const installed = (...paths: string[]) => (p: string) => paths.includes(p);
const noPlaywright = () => '/home/u/.cache/ms-playwright/chromium-1200/chrome-linux/chrome';

describe('finding a Chromium for the end-to-end tests', () => {
  it('takes CHROMIUM_PATH first, and names it when it is wrong', () => {
    const base = { platform: 'linux' as const, playwrightChromium: noPlaywright };
    expect(findChromium({ ...base, env: { CHROMIUM_PATH: '/opt/c/chrome' }, exists: installed('/opt/c/chrome', '/usr/bin/chromium') })).toBe('/opt/c/chrome');
    expect(() => findChromium({ ...base, env: { CHROMIUM_PATH: '/opt/nothing' }, exists: installed('/usr/bin/chromium') })).toThrow(
      `CHROMIUM_PATH=/opt/nothing does not exist: ${INSTALL_HINT}.`,
    );
  });

  it("finds Debian's, Ubuntu's and Google's builds, then Playwright's own", () => {
    const find = (exists: (p: string) => boolean, platform: NodeJS.Platform = 'linux', env: NodeJS.ProcessEnv = {}) =>
      findChromium({ env, platform, playwrightChromium: noPlaywright, exists });
    expect(find(installed('/usr/bin/chromium', '/usr/bin/google-chrome'))).toBe('/usr/bin/chromium');
    expect(find(installed('/usr/bin/chromium-browser'))).toBe('/usr/bin/chromium-browser');
    expect(find(installed('/snap/bin/chromium'))).toBe('/snap/bin/chromium');
    expect(find(installed('/usr/bin/google-chrome-stable'))).toBe('/usr/bin/google-chrome-stable');
    expect(find(installed(noPlaywright()))).toBe(noPlaywright());
    expect(find(installed('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'), 'darwin')).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    const chromeOnWindows = join('C:\\Users\\u\\AppData\\Local', 'Google', 'Chrome', 'Application', 'chrome.exe');
    expect(find(installed(chromeOnWindows), 'win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' })).toBe(chromeOnWindows);
  });

  it('fails with one sentence saying what to install when there is none', () => {
    expect(() => findChromium({ env: {}, platform: 'linux', playwrightChromium: noPlaywright, exists: () => false })).toThrow(
      `No Chromium or Chrome found for the end-to-end tests: ${INSTALL_HINT}.`,
    );
  });

  it('makes `playwright test` print that one line and stop, not a stack per test', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--config', 'test/playwright.config.ts'], {
      cwd: ROOT,
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout.trim()).toBe('');
    expect(run.stderr.trim()).toBe(`CHROMIUM_PATH=/nonexistent/chromium does not exist: ${INSTALL_HINT}.`);
  });
});
