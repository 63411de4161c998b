/**
 * The ML process: one long-lived child of the backend that owns TF.js (its native bindings crash
 * in a second worker thread). It never touches SQLite; it answers requests and sends events.
 */
import type { MlMessage, MlReplyMessage, MlRequestMessage, MlRequests, MlRequestType } from '../../shared/contract/mlContract';

const startedAt = performance.now();

type Handlers = { [T in MlRequestType]: (payload: MlRequests[T]['request']) => Promise<MlRequests[T]['reply']> | MlRequests[T]['reply'] };

const handlers: Handlers = {
  ping: () => ({ pid: process.pid, uptimeS: (performance.now() - startedAt) / 1000, node: process.version }),
  shutdown: () => {
    setImmediate(() => process.exit(0));
    return null;
  },
};

function send(message: MlMessage): void {
  process.send?.(message);
}

process.on('message', async (raw: MlRequestMessage) => {
  const handler = handlers[raw.type] as ((payload: unknown) => unknown) | undefined;
  let reply: MlReplyMessage;
  if (!handler) {
    reply = { seq: raw.seq, ok: false, error: { code: 'BAD_REQUEST', message: `the ML process has no request "${raw.type}"` } };
  } else {
    try {
      reply = { seq: raw.seq, ok: true, value: await handler(raw.payload) };
    } catch (err) {
      reply = { seq: raw.seq, ok: false, error: { code: 'INTERNAL', message: (err as Error).message } };
    }
  }
  send(reply);
});

// The backend going away must not leave an orphan holding the GPU.
process.on('disconnect', () => process.exit(0));
