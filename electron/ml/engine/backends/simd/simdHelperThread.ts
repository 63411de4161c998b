import { Worker } from 'node:worker_threads';

/**
 * A second thread for our SIMD kernels: a worker that instantiates the same module on the same
 * shared heap, so a kernel can hand it half of its work (into memory the two halves do not share)
 * and do the other half itself. XNNPACK's own pool is idle while our kernels run, so this uses the
 * core it leaves free.
 *
 * The kernel's thread blocks (Atomics.wait) until the helper is done: the helper runs only pure
 * compute on memory the caller allocated and keeps alive, and reports failure as a status instead
 * of dying, so the wait always ends.
 */
export interface SimdHelper {
  /** Starts `name(...args)` on the helper; call wait() before touching its output. */
  start(name: string, args: number[]): void;
  /** Blocks until the started call is done; throws if it trapped. */
  wait(): void;
}

const IDLE = 0;
const DONE = 1;
const FAILED = 2;

// CommonJS evaluated as the worker's script: no file to locate in bundles or under tsx.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { memory, bytes, control } = workerData;
const status = new Int32Array(control);
let kernels = null;
try {
  kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: String(error) });
}
parentPort.on('message', ({ name, args }) => {
  let result = ${DONE};
  try {
    kernels[name](...args);
  } catch {
    result = ${FAILED};
  }
  Atomics.store(status, 0, result);
  Atomics.notify(status, 0);
});
`;

const helpers = new WeakMap<WebAssembly.Memory, Promise<SimdHelper | null>>();
const readyHelpers = new WeakMap<WebAssembly.Memory, SimdHelper>();

/**
 * Starts the helper for a shared heap (once per heap) and resolves when it can take work, or to
 * null where it cannot (unshared memory, no worker threads).
 */
export function startSimdHelper(memory: WebAssembly.Memory, bytes: Uint8Array): Promise<SimdHelper | null> {
  const existing = helpers.get(memory);
  if (existing) return existing;
  const started = new Promise<SimdHelper | null>((resolve) => {
    if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) {
      resolve(null);
      return;
    }
    const control = new SharedArrayBuffer(4);
    const status = new Int32Array(control);
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, bytes, control } });
    } catch {
      resolve(null);
      return;
    }
    worker.unref();
    worker.once('error', () => resolve(null));
    worker.once('message', (message: { ready: boolean; error?: string }) => {
      if (!message.ready) {
        console.warn(`SIMD helper thread failed to start (${message.error}); kernels run on one thread`);
        void worker.terminate();
        resolve(null);
        return;
      }
      const helper: SimdHelper = {
        start(name, args) {
          Atomics.store(status, 0, IDLE);
          worker.postMessage({ name, args });
        },
        wait() {
          Atomics.wait(status, 0, IDLE);
          if (Atomics.load(status, 0) === FAILED) throw new Error('a wasm SIMD kernel trapped on the helper thread');
        },
      };
      readyHelpers.set(memory, helper);
      resolve(helper);
    });
  });
  helpers.set(memory, started);
  return started;
}

/** The heap's helper if it has started and is ready, else null (kernels then run on one thread). */
export function readySimdHelper(memory: WebAssembly.Memory): SimdHelper | null {
  return readyHelpers.get(memory) ?? null;
}
