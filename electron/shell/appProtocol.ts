import { isAbsolute, join, relative, sep } from 'node:path';
import { contentSecurityPolicy } from '../../shared/contract/contentSecurityPolicy';

/** The renderer's origin inside the desktop app: the `app` scheme, one fixed host. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The page's Content-Security-Policy, sent as a header with every file the app:// handler serves. */
export const APP_CSP = contentSecurityPolicy('ipc');

export type AppFileResolution = { file: string } | { status: 400 | 403 | 404; reason: string };

/**
 * Maps an `app://studio/<path>` request to a file inside `rendererDir`, or refuses it. The path is
 * percent-decoded first and then checked segment by segment, so `%2e%2e`, `%2f`, `%5c` (a Windows
 * separator), drive letters and absolute paths cannot leave the renderer folder.
 */
export function resolveAppFile(rendererDir: string, requestUrl: string): AppFileResolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 403, reason: `not ${APP_ORIGIN}` };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, reason: 'malformed percent-encoding' };
  }
  if (path.includes('\0')) return { status: 400, reason: 'NUL in path' };
  const segments = path.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || /^[a-z]:/i.test(s))) return { status: 403, reason: 'path leaves the renderer folder' };
  const file = join(rendererDir, ...(segments.length ? segments : ['index.html']));
  // Belt and braces: whatever the segment check missed, the joined path must still be inside.
  const inside = relative(rendererDir, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return { status: 403, reason: 'path leaves the renderer folder' };
  }
  return { file };
}
