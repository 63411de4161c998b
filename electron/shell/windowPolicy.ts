import { APP_HOST, APP_SCHEME } from './appProtocol';

function parse(url: string | undefined | null): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for a page of the studio itself (`app://studio/…`), never a look-alike host. */
export function isStudioUrl(url: string | undefined | null): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** The sending frame as the IPC handler sees it (`event.senderFrame`, which is null once the frame is gone). */
export interface SenderFrame {
  url: string;
  /** null for a top-level frame: iframes never get the backend, even same-origin ones. */
  parent: unknown;
}

/** Whether an IPC request comes from the studio's own top-level page. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.parent === null && isStudioUrl(frame.url);
}

/** `will-navigate` / `will-redirect`: the window stays on the studio. */
export function mayNavigate(url: string): boolean {
  return isStudioUrl(url);
}

/**
 * `setWindowOpenHandler`: the app never opens a window of its own; an https link goes to the
 * user's browser, anything else (http, file:, javascript:, custom schemes) is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: parse(url)?.protocol === 'https:' };
}
