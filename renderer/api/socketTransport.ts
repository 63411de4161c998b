import { decodeFrame, encodeFrame, type SocketMessage } from '../../shared/contract/binaryFrame';
import type { Result } from '../../shared/contract/errors';
import type { Transport } from './transport';

interface Pending {
  resolve(result: Result<unknown>): void;
}

/**
 * Browser mode: one WebSocket to the backend, reconnected when it drops. The session token came in
 * the page URL; the server also set it as a same-site cookie, which the socket handshake carries.
 */
export function socketTransport(url: string): Transport & { ready: Promise<void> } {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const pending = new Map<number, Pending>();
  const queue: Uint8Array[] = [];
  let nextId = 1;
  let socket: WebSocket;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));

  const connect = () => {
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      markReady();
      while (queue.length) socket.send(queue.shift()!);
    };
    socket.onmessage = (e) => {
      const message = decodeFrame(new Uint8Array(e.data as ArrayBuffer)) as SocketMessage;
      if (message.type === 'reply') {
        pending.get(message.id)?.resolve(message.result as Result<unknown>);
        pending.delete(message.id);
      } else if (message.type === 'event') {
        listeners.get(message.name)?.forEach((l) => l(message.payload));
      }
    };
    socket.onclose = () => {
      for (const [id, p] of pending) {
        p.resolve({ ok: false, error: { code: 'IO_ERROR', message: 'lost the connection to FCN Studio; retrying' } });
        pending.delete(id);
      }
      setTimeout(connect, 1000);
    };
  };
  connect();

  return {
    ready,
    invoke(channel, request) {
      const id = nextId++;
      const frame = encodeFrame({ type: 'invoke', id, channel, request } satisfies SocketMessage);
      return new Promise((resolve) => {
        pending.set(id, { resolve });
        if (socket.readyState === WebSocket.OPEN) socket.send(frame);
        else queue.push(frame);
      });
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)?.delete(listener);
    },
  };
}
