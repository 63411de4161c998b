import type { LabelClass } from '../../shared/domain/classes';
import { decodeMaskPng, encodeMaskPng } from '../../shared/mask/maskPng';
import { computeSlic, SUPERPIXEL_SIZES, type SuperpixelSize, type Superpixels } from '../../shared/mask/slic';
import { ApiError, type StudioClient } from '../api/client';
import { errorMessage } from '../state/errorMessage';
import { AutosaveQueue, type SaveStatus } from './autosave';
import { Editor } from './editor';
import type { EditorAction } from './keymap';

/** Superpixel side in pixels: small enough to follow object edges, large enough to paint quickly. */
/** Per image and size (`id:size`). */
const superpixelCache = new Map<string, Promise<Superpixels>>();
const SUPERPIXEL_CACHE_IMAGES = 4;

export interface SessionCallbacks {
  onSave(status: SaveStatus): void;
  onAction(action: EditorAction): void;
  /** A request in the background failed (marking an accepted image, loading a prediction). */
  onError?(message: string): void;
}

/**
 * One image open in the editor: its decoded picture, the Editor over its stored mask, and the
 * autosave queue that writes each finished edit back through `labels:save`.
 */
export class EditorSession {
  private disposed = false;

  private constructor(
    private readonly client: StudioClient,
    readonly imageId: number,
    readonly image: ImageBitmap,
    readonly editor: Editor,
    readonly autosave: AutosaveQueue,
  ) {}

  static async open(client: StudioClient, imageId: number, classes: readonly LabelClass[], callbacks: SessionCallbacks): Promise<EditorSession> {
    const [pixels, stored] = await Promise.all([client.invoke('images:pixels', { id: imageId }), client.invoke('labels:get', { imageId })]);
    // Browsers apply EXIF orientation when asked, which matches the dimensions the backend reports.
    const image = await createImageBitmap(new Blob([pixels.bytes as BlobPart], { type: pixels.mime }), { imageOrientation: 'from-image' });
    if (image.width !== pixels.width || image.height !== pixels.height) {
      image.close();
      throw new Error(`the image decodes as ${image.width}×${image.height} but is recorded as ${pixels.width}×${pixels.height}`);
    }
    let values: Uint8Array | undefined;
    if (stored.png) {
      const mask = decodeMaskPng(stored.png);
      if (mask.width !== pixels.width || mask.height !== pixels.height) throw new Error(`the stored mask is ${mask.width}×${mask.height}, the image ${pixels.width}×${pixels.height}`);
      values = mask.values.slice();
    }
    let session: EditorSession | null = null;
    const autosave = new AutosaveQueue({
      version: stored.version,
      save: async (baseVersion) => {
        const png = await encodeInWorker(editor.doc.width, editor.doc.height, editor.doc.values);
        return client.invoke('labels:save', { imageId, baseVersion, png: png as Uint8Array<ArrayBuffer> });
      },
      isConflict: (e) => e instanceof ApiError && e.code === 'CONFLICT',
      errorMessage,
      onChange: callbacks.onSave,
    });
    const editor: Editor = new Editor({
      width: pixels.width,
      height: pixels.height,
      values,
      classes,
      isMac: /Mac|iPhone|iPad/.test(navigator.platform),
      onEdit: () => autosave.changed(),
      onAction: callbacks.onAction,
      requestSuperpixels: (size) => void session?.loadSuperpixels(size),
      // The label now holds the model's pixels: it needs a person's review until marked done.
      onAccept: () => void client.invoke('predictions:accepted', { imageId }).catch((e) => callbacks.onError?.(errorMessage(e))),
    });
    session = new EditorSession(client, imageId, image, editor, autosave);
    await session.loadPrediction();
    return session;
  }

  /** Shows the image's newest stored prediction (or the given run's); none stored shows none. */
  async loadPrediction(runId?: number): Promise<void> {
    const stored = await this.client.invoke('predictions:get', { imageId: this.imageId, runId });
    if (this.disposed) return;
    if (!stored) return this.editor.setPrediction(null);
    const [values, confidence] = [decodeMaskPng(stored.maskPng).values, decodeMaskPng(stored.confidencePng).values];
    this.editor.setPrediction({ summary: stored.summary, values, confidence });
  }

  /** Decodes the picture's RGBA for fills by colour (once; 4 bytes per pixel, so only on demand). */
  loadImagePixels(): void {
    if (this.disposed) return;
    const canvas = new OffscreenCanvas(this.image.width, this.image.height);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(this.image, 0, 0);
    this.editor.setImagePixels(context.getImageData(0, 0, canvas.width, canvas.height).data);
  }

  async loadSuperpixels(size: SuperpixelSize): Promise<void> {
    const key = `${this.imageId}:${size}`;
    let pending = superpixelCache.get(key);
    if (!pending) {
      pending = computeInWorker(this.image, SUPERPIXEL_SIZES[size]);
      superpixelCache.set(key, pending);
      while (superpixelCache.size > SUPERPIXEL_CACHE_IMAGES) superpixelCache.delete(superpixelCache.keys().next().value!);
      pending.catch(() => superpixelCache.delete(key));
    }
    try {
      const sp = await pending;
      if (!this.disposed) this.editor.setSuperpixels(sp, size);
    } catch (e) {
      if (!this.disposed) this.editor.perform('gesture.cancel');
      throw e;
    }
  }

  /** After a conflict: drop the local edits and show the stored version. */
  async reloadStored(): Promise<void> {
    const stored = await this.client.invoke('labels:get', { imageId: this.imageId });
    const values = stored.png ? decodeMaskPng(stored.png).values : new Uint8Array(this.editor.doc.values.length).fill(255);
    this.editor.replaceMask(values);
    this.autosave.reset(stored.version);
  }

  /** After a conflict: save the local mask as the newest version. */
  async keepMine(): Promise<void> {
    const stored = await this.client.invoke('labels:get', { imageId: this.imageId });
    this.autosave.overwrite(stored.version);
  }

  dispose(): void {
    this.disposed = true;
    this.autosave.dispose();
    this.image.close();
  }
}

let codecWorker: Worker | null = null;
let workersFailed = false;
let nextRequest = 1;
const pendingEncodes = new Map<number, { resolve(png: Uint8Array): void; reject(e: Error): void }>();

/** Encodes in a worker; where workers cannot start (a file:// page that refuses module workers), on this thread. */
async function encodeInWorker(width: number, height: number, values: Uint8Array): Promise<Uint8Array> {
  if (workersFailed) return encodeMaskPng({ width, height, values });
  try {
    return await postEncode(width, height, values.slice());
  } catch (e) {
    if (!(e instanceof WorkerUnavailable)) throw e;
    workersFailed = true;
    return encodeMaskPng({ width, height, values });
  }
}

class WorkerUnavailable extends Error {}

function postEncode(width: number, height: number, values: Uint8Array): Promise<Uint8Array> {
  if (!codecWorker) {
    try {
      codecWorker = new Worker(new URL('./maskCodecWorker.ts', import.meta.url), { type: 'module' });
    } catch (e) {
      return Promise.reject(new WorkerUnavailable((e as Error).message));
    }
    codecWorker.onmessage = (e: MessageEvent<{ id: number; ok: boolean; png?: Uint8Array; message?: string }>) => {
      const request = pendingEncodes.get(e.data.id);
      pendingEncodes.delete(e.data.id);
      if (e.data.ok) request?.resolve(e.data.png!);
      else request?.reject(new Error(`could not encode the mask: ${e.data.message}`));
    };
    codecWorker.onerror = (e) => {
      e.preventDefault();
      codecWorker?.terminate();
      codecWorker = null;
      for (const request of pendingEncodes.values()) request.reject(new WorkerUnavailable(e.message));
      pendingEncodes.clear();
    };
  }
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    pendingEncodes.set(id, { resolve, reject });
    codecWorker!.postMessage({ id, width, height, values }, [values.buffer]);
  });
}

async function computeInWorker(bitmap: ImageBitmap, regionSize: number): Promise<Superpixels> {
  try {
    return await postSlic(bitmap, regionSize);
  } catch (e) {
    if (!(e instanceof WorkerUnavailable)) throw e;
    // No worker: compute here (the UI pauses for a moment, but the brush works).
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    return computeSlic(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { regionSize });
  }
}

function postSlic(bitmap: ImageBitmap, regionSize: number): Promise<Superpixels> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./superpixelWorker.ts', import.meta.url), { type: 'module' });
  } catch (e) {
    return Promise.reject(new WorkerUnavailable((e as Error).message));
  }
  return new Promise<Superpixels>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ok: boolean; sp?: Superpixels; message?: string }>) => {
      worker.terminate();
      if (e.data.ok) resolve(e.data.sp!);
      else reject(new Error(`superpixels failed: ${e.data.message}`));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new WorkerUnavailable(e.message));
    };
    // A copy goes to the worker, so the fallback above can still read this bitmap.
    void createImageBitmap(bitmap).then((copy) => worker.postMessage({ bitmap: copy, regionSize }, [copy]), reject);
  });
}
