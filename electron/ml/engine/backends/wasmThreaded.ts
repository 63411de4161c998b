import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => number;
  tfjs?: unknown;
  PThread?: { unusedWorkers: { unref?: () => void }[]; runningWorkers: { unref?: () => void }[] };
}

type ModuleFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/**
 * The package starts its pthread workers from blob URLs, which Node's worker_threads refuse, so in
 * Node it silently falls back to one thread. Starting the same Emscripten module with the worker
 * script written to a real file (and the main script given by path) gives XNNPACK its thread pool.
 */
export async function createThreadedWasmBackend(threads: number): Promise<BackendWasm> {
  const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const outDir = join(packageDir, 'wasm-out');
  const mainScript = join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const hash = createHash('sha256').update(wasmWorkerContents).digest('hex').slice(0, 16);
  const workerFile = join(tmpdir(), `fcn-studio-wasm-pthread-${hash}.cjs`);
  if (!existsSync(workerFile)) {
    const tmp = `${workerFile}.${process.pid}.tmp`;
    // The source holds "\n" escapes already turned into newlines inside string literals; restore them.
    writeFileSync(tmp, wasmWorkerContents.replace(/\n/g, "\\n"));
    (await import('node:fs')).renameSync(tmp, workerFile);
  }
  const factory = require(mainScript) as ModuleFactory;
  // The module caps its pool at os.cpus().length / 2 (it assumes two hyperthreads per core), read once
  // while its static constructors run; on a 2-vCPU machine that is one thread. Report enough CPUs for
  // the requested pool during start-up only.
  const os = require('node:os') as typeof import('node:os');
  const realCpus = os.cpus;
  const cpusForPool = () => {
    const cpus = realCpus.call(os);
    const need = Math.max(2 * threads, cpus.length);
    return Array.from({ length: need }, (_, i) => cpus[i % cpus.length]);
  };
  os.cpus = cpusForPool;
  let module: EmscriptenModule;
  try {
    module = await factory({
    mainScriptUrlOrBlob: mainScript,
    locateFile: (path: string, prefix: string) => {
      if (path.endsWith('.worker.js')) return workerFile;
      if (path.endsWith('.wasm')) return join(outDir, 'tfjs-backend-wasm-threaded-simd.wasm');
      return prefix + path;
    },
  });
  } finally {
    os.cpus = realCpus;
  }
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  const wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
  wasmPkg.setThreadsCount(threads);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const backend = new BackendWasm(module as any);
  // Idle pthread workers must not keep the ML process alive after its work is done.
  for (const w of [...(module.PThread?.unusedWorkers ?? []), ...(module.PThread?.runningWorkers ?? [])]) w.unref?.();
  return backend;
}

void tf;
