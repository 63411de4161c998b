/**
 * One message as one binary WebSocket frame, so pixels travel as bytes and never as JSON arrays:
 * `[u32 header length][header JSON][attachment 0][attachment 1]...`. Every Uint8Array in the
 * message becomes `{"$bin": i, "$len": n}` in the header and its bytes follow in order.
 */

const BIN = '$bin';

export function encodeFrame(message: unknown): Uint8Array {
  const attachments: Uint8Array[] = [];
  // The replacer looks at `this[key]`, the value before JSON's toJSON step: Node's Buffer (a
  // Uint8Array) has a toJSON that would otherwise turn its bytes into a JSON array of numbers.
  const header = JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      attachments.push(raw);
      return { [BIN]: attachments.length - 1, $len: raw.byteLength };
    }
    return value;
  });
  const headerBytes = new TextEncoder().encode(header);
  const total = 4 + headerBytes.byteLength + attachments.reduce((n, a) => n + a.byteLength, 0);
  const frame = new Uint8Array(total);
  new DataView(frame.buffer).setUint32(0, headerBytes.byteLength, true);
  frame.set(headerBytes, 4);
  let offset = 4 + headerBytes.byteLength;
  for (const a of attachments) {
    frame.set(a, offset);
    offset += a.byteLength;
  }
  return frame;
}

export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new Error('frame too short');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new Error('frame header runs past the frame');
  const header = new TextDecoder().decode(frame.subarray(4, 4 + headerLength));
  // Most replies carry no bytes (an image list of 50,000 rows among them): a plain parse is several
  // times faster than the reviver and the walk below. Every attachment reference spells `"$bin"`.
  if (!header.includes(`"${BIN}"`)) return JSON.parse(header) as unknown;
  // Attachments are laid out in the order JSON.stringify met them; JSON.parse's reviver visits in
  // a different order, so first collect lengths by index, then slice.
  const lengths: number[] = [];
  const parsed: unknown = JSON.parse(header, (_key, value: unknown) => {
    if (isAttachmentRef(value)) lengths[value[BIN]] = value.$len;
    return value;
  });
  const slices: Uint8Array[] = [];
  let offset = 4 + headerLength;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i];
    if (len === undefined || offset + len > frame.byteLength) throw new Error('frame attachment out of range');
    slices.push(frame.slice(offset, offset + len));
    offset += len;
  }
  return restoreAttachments(parsed, slices);
}

function isAttachmentRef(value: unknown): value is { [BIN]: number; $len: number } {
  return typeof value === 'object' && value !== null && BIN in value && typeof (value as Record<string, unknown>)[BIN] === 'number';
}

function restoreAttachments(value: unknown, slices: Uint8Array[]): unknown {
  if (isAttachmentRef(value)) return slices[value[BIN]];
  if (Array.isArray(value)) return value.map((v) => restoreAttachments(v, slices));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = restoreAttachments(v, slices);
    return out;
  }
  return value;
}

/** Messages on the browser-mode socket. */
export type SocketMessage =
  | { type: 'invoke'; id: number; channel: string; request: unknown }
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'event'; name: string; payload: unknown };
