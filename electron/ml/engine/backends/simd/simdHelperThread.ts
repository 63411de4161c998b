import { Worker } from 'node:worker_threads';

/**
 * A second thread for our SIMD kernels: a worker that instantiates the same module on the same
 * shared heap, so a kernel can hand it part of its work (writing memory the other part does not
 * touch) and do the rest itself. XNNPACK's own pool is idle while our kernels run, so this uses the
 * core it leaves free.
 *
 * Jobs go through a shared mailbox, not messages: the worker sleeps in Atomics.wait on the job
 * word and wakes within microseconds of a notify, where a posted message waited for its event
 * loop (a CPU profile of a training step showed 5 ms a step in postMessage and 20 ms in waiting
 * for the helper's halves to start). The kernel's thread blocks (Atomics.wait) until the helper
 * reports the job it started as done. Jobs are numbered, so a report can never be mistaken for
 * another job's; the helper reports a trap as a failure instead of dying. Callers wait in a
 * `finally`, so no buffer the helper writes is released (or read) while it may still be writing.
 */
export interface SimdHelper {
  /** Starts `name(...args)` on the helper; call wait() before touching what it writes. */
  start(name: string, args: number[]): void;
  /** Blocks until the started call is done; throws if it trapped or the helper stopped answering. */
  wait(): void;
}

/** Longest wait for one job before the helper is given up as hung (its part is seconds at most). */
const HUNG_AFTER_MS = 10 * 60 * 1000;

/** The mailbox: Int32 words (done, job, kernel, argument count), then up to MAX_ARGS float64 arguments. */
const [DONE, JOB, KERNEL, ARGC] = [0, 1, 2, 3];
const MAX_ARGS = 32;
const ARGS_OFFSET = 16;

// CommonJS evaluated as the worker's script: no file to locate in bundles or under tsx. The done
// word holds the number of the last job finished, negated when it trapped.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { memory, bytes, mailbox } = workerData;
const words = new Int32Array(mailbox, 0, 4);
const args = new Float64Array(mailbox, ${ARGS_OFFSET}, ${MAX_ARGS});
let kernels = null;
try {
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  kernels = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => instance.exports[e.name]);
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: String(error) });
}
let seen = 0;
while (kernels) {
  Atomics.wait(words, ${JOB}, seen);
  const job = Atomics.load(words, ${JOB});
  if (job === seen) continue;
  seen = job;
  let result = job;
  try {
    kernels[words[${KERNEL}]](...args.subarray(0, words[${ARGC}]));
  } catch {
    result = -job;
  }
  Atomics.store(words, ${DONE}, result);
  Atomics.notify(words, ${DONE});
}
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
    const mailbox = new SharedArrayBuffer(ARGS_OFFSET + 8 * MAX_ARGS);
    const words = new Int32Array(mailbox, 0, 4);
    const args = new Float64Array(mailbox, ARGS_OFFSET, MAX_ARGS);
    let kernelIndex: Map<string, number>;
    let worker: Worker;
    try {
      const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).filter((e) => e.kind === 'function');
      kernelIndex = new Map(exports.map((e, i) => [e.name, i]));
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, bytes, mailbox } });
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
        start(name, jobArgs) {
          if (hung) throw new Error('the SIMD helper thread stopped answering');
          const kernel = kernelIndex.get(name);
          if (kernel === undefined || jobArgs.length > MAX_ARGS) throw new Error(`the SIMD helper cannot run ${name} with ${jobArgs.length} arguments`);
          args.set(jobArgs);
          words[KERNEL] = kernel;
          words[ARGC] = jobArgs.length;
          lastJob = (lastJob % 0x3fffffff) + 1;
          Atomics.store(words, JOB, lastJob);
          Atomics.notify(words, JOB);
        },
        wait() {
          const deadline = Date.now() + HUNG_AFTER_MS;
          for (;;) {
            const reported = Atomics.load(words, DONE);
            if (reported === lastJob) return;
            if (reported === -lastJob) throw new Error('a wasm SIMD kernel trapped on the helper thread');
            if (Date.now() > deadline) {
              hung = true;
              readyHelpers.delete(memory);
              throw new Error('the SIMD helper thread stopped answering');
            }
            Atomics.wait(words, DONE, reported, 1000);
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
