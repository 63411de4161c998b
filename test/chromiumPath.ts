import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where Chromium and Chrome are installed on Linux, macOS and Windows, in the order we try them. */
export function chromiumCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    return ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return roots.flatMap((r) => [join(r, 'Chromium', 'Application', 'chrome.exe'), join(r, 'Google', 'Chrome', 'Application', 'chrome.exe')]);
  }
  // Debian's package, Ubuntu's (and its snap), Google Chrome's .deb/.rpm.
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/opt/google/chrome/chrome'];
}

export const INSTALL_HINT =
  'install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) or Google Chrome, or run `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium-based browser';

/**
 * The browser the end-to-end tests drive: CHROMIUM_PATH when set, else the first installed of the
 * system's Chromium or Chrome, else Playwright's own download. Throws one sentence saying what to
 * install when there is none.
 */
export function findChromium(options: {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  playwrightChromium: () => string;
  exists?: (path: string) => boolean;
}): string {
  const exists = options.exists ?? existsSync;
  const chosen = options.env.CHROMIUM_PATH;
  if (chosen) {
    if (exists(chosen)) return chosen;
    throw new Error(`CHROMIUM_PATH=${chosen} does not exist: ${INSTALL_HINT}.`);
  }
  const found = chromiumCandidates(options.platform, options.env).find(exists);
  if (found) return found;
  let playwrights = '';
  try {
    playwrights = options.playwrightChromium();
  } catch {
    // Playwright knows no browser for this platform.
  }
  if (playwrights && exists(playwrights)) return playwrights;
  throw new Error(`No Chromium or Chrome found for the end-to-end tests: ${INSTALL_HINT}.`);
}
