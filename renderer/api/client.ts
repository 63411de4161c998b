import type { ErrorCode } from '../../shared/contract/errors';
import type { Channel, EventName, ReplyOf, RendererEvents, RequestOf } from '../../shared/contract/rendererContract';
import { socketTransport } from './socketTransport';
import type { Transport } from './transport';

/** A backend error, with the code the backend chose and a message meant for the user. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface StudioClient {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: RendererEvents[E]) => void): () => void;
}

export function createClient(transport: Transport): StudioClient {
  return {
    async invoke(channel, request) {
      const result = await transport.invoke(channel, request);
      if (!result.ok) throw new ApiError(result.error.code, result.error.message);
      return result.value as never;
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void);
    },
  };
}

/** The Electron bridge when the preload put one there, else the browser-mode socket of this page's server. */
export function defaultTransport(): Transport {
  if (window.fcnStudio) return window.fcnStudio;
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return socketTransport(`${protocol}//${location.host}/api`);
}
