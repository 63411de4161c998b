/**
 * The contract between the backend and the ML process. Requests carry a sequence number and get
 * exactly one reply with the same number; events (progress, epochs, logs) carry no number.
 */
export interface MlRequests {
  ping: { request: Record<string, never>; reply: { pid: number; uptimeS: number; node: string } };
  shutdown: { request: Record<string, never>; reply: null };
}
export type MlRequestType = keyof MlRequests;

export type MlRequestMessage = { seq: number; type: MlRequestType; payload: unknown };
export type MlReplyMessage = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: { code: string; message: string } };
export type MlEventMessage = { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
export type MlMessage = MlReplyMessage | MlEventMessage;

export function isReply(message: MlMessage): message is MlReplyMessage {
  return 'seq' in message;
}
