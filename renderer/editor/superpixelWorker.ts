import { computeSlic } from '../../shared/mask/slic';

/** Computes SLIC superpixels off the UI thread: receives an ImageBitmap, replies with the labels. */
interface Request {
  bitmap: ImageBitmap;
  regionSize: number;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(message: unknown, transfer: Transferable[]): void };

scope.onmessage = (e) => {
  try {
    const { bitmap, regionSize } = e.data;
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const sp = computeSlic(rgba, canvas.width, canvas.height, { regionSize });
    scope.postMessage({ ok: true, sp }, [sp.labels.buffer, sp.bounds.buffer]);
  } catch (error) {
    scope.postMessage({ ok: false, message: (error as Error).message }, []);
  }
};
