import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../../shared/contract/binaryFrame';

describe('binary frames', () => {
  it('round-trips nested byte arrays as bytes, not JSON numbers', () => {
    const a = new Uint8Array([0, 1, 2, 255]);
    const b = new Uint8Array(10_000).fill(7);
    const message = { type: 'invoke', id: 3, request: { files: [{ name: 'x.png', bytes: a }, { name: 'y', bytes: b }], n: null } };
    const frame = encodeFrame(message);
    expect(frame.byteLength).toBeLessThan(10_200);
    const back = decodeFrame(frame) as typeof message;
    expect(back.request.files[0].bytes).toBeInstanceOf(Uint8Array);
    expect([...back.request.files[0].bytes]).toEqual([0, 1, 2, 255]);
    expect(back.request.files[1].bytes.every((v) => v === 7)).toBe(true);
    expect(back.request.n).toBeNull();
  });

  it('keeps attachment order when the header nests them in different orders', () => {
    const message = { z: { deep: new Uint8Array([1]) }, a: new Uint8Array([2, 2]), list: [new Uint8Array([3, 3, 3])] };
    const back = decodeFrame(encodeFrame(message)) as typeof message;
    expect([...back.z.deep]).toEqual([1]);
    expect([...back.a]).toEqual([2, 2]);
    expect([...back.list[0]]).toEqual([3, 3, 3]);
  });

  it("sends Node Buffers as bytes too, not as Buffer's JSON form", () => {
    const frame = encodeFrame({ bytes: Buffer.from([9, 8, 7]) });
    expect(new TextDecoder().decode(frame)).not.toContain('"type":"Buffer"');
    const back = decodeFrame(frame) as { bytes: Uint8Array };
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect([...back.bytes]).toEqual([9, 8, 7]);
  });

  it('decodes a frame without bytes as its plain JSON (the fast path), and one whose strings or keys mention $bin (the full path)', () => {
    const plain = { rows: Array.from({ length: 50 }, (_, id) => ({ id, fileName: `img${id}.png`, labeled: id % 3 === 0 })), n: null };
    const header = new TextDecoder().decode(encodeFrame(plain).subarray(4));
    expect(header).not.toContain('"$bin"');
    expect(decodeFrame(encodeFrame(plain))).toEqual(plain);
    const tricky = { rows: [{ id: 1, fileName: '"$bin".png', note: { $bin: 'not a reference' } }], n: null };
    expect(decodeFrame(encodeFrame(tricky))).toEqual(tricky);
  });

  it('rejects truncated frames', () => {
    const frame = encodeFrame({ bytes: new Uint8Array(100) });
    expect(() => decodeFrame(frame.subarray(0, frame.byteLength - 10))).toThrow(/out of range/);
    expect(() => decodeFrame(new Uint8Array([1, 0]))).toThrow(/too short/);
  });
});
