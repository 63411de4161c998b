import { chromium, type Browser } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RENDERER_DIST } from '../electron/host/paths';
import { findChromium } from '../test/chromiumPath';
import { startServer, stopServer } from '../test/e2e/studioFixtures';

/** Debian's Chromium headless, as the end-to-end tests run it (DESIGN.md). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The studio served in browser mode (`fcn-studio serve`) with a Chromium to drive it. */
export interface ServedStudio {
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

/**
 * Why a Chromium session cannot run here (no built renderer, no Chromium), or null when it can.
 * Benchmarks print it as the note of a null figure.
 */
export function studioUnavailable(): string | null {
  if (!existsSync(join(RENDERER_DIST, 'index.html'))) return `no renderer build at ${RENDERER_DIST} (run npm run build:renderer)`;
  try {
    findChromium({ env: process.env, platform: process.platform, playwrightChromium: () => chromium.executablePath() });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Starts `fcn-studio serve` in `cwd` and a headless Chromium; close() stops both. */
export async function serveStudio(cwd: string): Promise<ServedStudio> {
  const executablePath = findChromium({ env: process.env, platform: process.platform, playwrightChromium: () => chromium.executablePath() });
  const { child, url } = await startServer([], cwd);
  try {
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    return { browser, url, close: async () => void (await Promise.all([browser.close(), stopServer(child)])) };
  } catch (e) {
    await stopServer(child);
    throw e;
  }
}
