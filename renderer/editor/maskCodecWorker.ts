import { encodeMaskPng } from '../../shared/mask/maskPng';

/** Encodes mask PNGs off the UI thread: a 12-megapixel deflate would otherwise stall painting. */
interface Request {
  id: number;
  width: number;
  height: number;
  values: Uint8Array;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(message: unknown, transfer: Transferable[]): void };

scope.onmessage = (e) => {
  const { id, width, height, values } = e.data;
  try {
    const png = encodeMaskPng({ width, height, values });
    scope.postMessage({ id, ok: true, png }, [png.buffer]);
  } catch (error) {
    scope.postMessage({ id, ok: false, message: (error as Error).message }, []);
  }
};
