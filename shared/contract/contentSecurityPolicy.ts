/**
 * The renderer page's Content-Security-Policy, written once for both ways the page is served: the
 * desktop app's `app://` handler and browser mode's HTTP server. Browser mode talks to its backend
 * over a WebSocket on the same host, so only it may connect out (`ws:`/`wss:`); the desktop page
 * reaches its backend through IPC and connects nowhere.
 */
export type RendererTransport = 'ipc' | 'websocket';

export function contentSecurityPolicy(transport: RendererTransport): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React and Konva set inline styles; no inline script is ever allowed.
    "style-src 'self' 'unsafe-inline'",
    // Masks, thumbnails and prediction layers are drawn from blobs and data URLs.
    "img-src 'self' blob: data:",
    ...(transport === 'websocket' ? ["connect-src 'self' ws: wss:"] : []),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
