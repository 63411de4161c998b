import { chromium, defineConfig } from '@playwright/test';
import { findChromium } from './chromiumPath';

function chromiumOrExit(): string {
  try {
    return findChromium({ env: process.env, platform: process.platform, playwrightChromium: () => chromium.executablePath() });
  } catch (error) {
    // One line, instead of the same launch failure with its stack for every test.
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}

/** End-to-end tests: the built renderer in a real Chromium, against the real browser-mode server. */
export default defineConfig({
  testDir: './e2e',
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  globalTimeout: 10 * 60_000,
  expect: { timeout: 15_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    actionTimeout: 15_000,
    launchOptions: {
      executablePath: chromiumOrExit(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
