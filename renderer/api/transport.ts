import type { Result } from '../../shared/contract/errors';

/** How the renderer reaches the backend: Electron IPC or the browser-mode socket. The client never knows which. */
export interface Transport {
  invoke(channel: string, request: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** What the Electron preload exposes on `window.fcnStudio`. */
export interface PreloadBridge {
  invoke(channel: string, request: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    fcnStudio?: PreloadBridge;
  }
}
