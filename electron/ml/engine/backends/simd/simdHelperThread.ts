import { Worker } from 'node:worker_threads';

/**
 * A second thread for our SIMD kernels: a worker that instantiates the same module on the same
 * shared heap, so a kernel can hand it part of its work (writing memory the other part does not
 * touch) and do the rest itself. XNNPACK's own pool is idle while our kernels run, so this uses the
 * core it leaves free.
 *
 * The kernel's thread blocks (Atomics.wait) until the helper reports the job it started as done.
 * Jobs are numbered, so a report can never be mistaken for another job's; the helper reports a
 * trap as a failure instead of dying. Callers wait in a `finally`, so no buffer the helper writes
 * is released (or read) while it may still be writing.
 */
export interface SimdHelper {
  /** Starts `name(...args)` on the helper; call wait() before touching what it writes. */
  start(name: string, args: number[]): void;
  /** Blocks until the started call is done; throws if it trapped or the helper stopped answering. */
  wait(): void;
}

/** Longest wait for one job before the helper is given up as hung (its part is seconds at most). */
const HUNG_AFTER_MS = 10 * 60 * 1000;

// CommonJS evaluated as the worker's script: no file to locate in bundles or under tsx. The status
// word holds the number of the last job finished, negated when it trapped.
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
parentPort.on('message', ({ id, name, args }) => {
  let result = id;
  try {
    kernels[name](...args);
  } catch {
    result = -id;
  }
  Atomics.store(status, 0, result);
  Atomics.notify(status, 0);
});
`;

const helpers = new WeakMap<WebAssembly.Memory, Promise<SimdHelper | null>>();
const readyHelpers = new WeakMap<WebAssembly.Memory, SimdHelper>();

/**
 * Starts the helper for a shared heap (once per heap) and resolves when it can take work, or to
 * null where it cannot (unshared memory, no worker threads, a failed start).
 */
export function startSimdHelper(memory: WebAssembly.Memory, bytes: Uint8Array): Promise<SimdHelper | null> {
  const existing = helpers.get(memory);
  if (existing) return existing;
  const started = new Promise<SimdHelper | null>((resolve) => {
    if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) {
      resolve(null);
      return;
    }
    const status = new Int32Array(new SharedArrayBuffer(4));
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, bytes, control: status.buffer } });
    } catch {
      resolve(null);
      return;
    }
    worker.unref();
    const giveUp = () => {
      readyHelpers.delete(memory);
      resolve(null);
    };
    worker.once('error', giveUp);
    worker.once('exit', giveUp);
    let lastJob = 0;
    let hung = false;
    worker.once('message', (message: { ready: boolean; error?: string }) => {
      if (!message.ready) {
        console.warn(`SIMD helper thread failed to start (${message.error}); kernels run on one thread`);
        void worker.terminate();
        resolve(null);
        return;
      }
      const helper: SimdHelper = {
        start(name, args) {
          if (hung) throw new Error('the SIMD helper thread stopped answering');
          lastJob = (lastJob % 0x3fffffff) + 1;
          worker.postMessage({ id: lastJob, name, args });
        },
        wait() {
          const deadline = Date.now() + HUNG_AFTER_MS;
          for (;;) {
            const reported = Atomics.load(status, 0);
            if (reported === lastJob) return;
            if (reported === -lastJob) throw new Error('a wasm SIMD kernel trapped on the helper thread');
            if (Date.now() > deadline) {
              hung = true;
              readyHelpers.delete(memory);
              throw new Error('the SIMD helper thread stopped answering');
            }
            Atomics.wait(status, 0, reported, 1000);
          }
        },
      };
      readyHelpers.set(memory, helper);
      resolve(helper);
    });
  });
  helpers.set(memory, started);
  return started;
}

/**
 * Runs `name(...helperArgs)` on the helper and `mine` on this thread at the same time, and always
 * waits for the helper (also when `mine` throws), so nothing it writes is read or freed early.
 */
export function runWithHelper(helper: SimdHelper, name: string, helperArgs: readonly number[], mine: () => void): void {
  helper.start(name, [...helperArgs]);
  try {
    mine();
  } finally {
    helper.wait();
  }
}

/** The heap's helper if it has started and is ready, else null (kernels then run on one thread). */
export function readySimdHelper(memory: WebAssembly.Memory): SimdHelper | null {
  return readyHelpers.get(memory) ?? null;
}
