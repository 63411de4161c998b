import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createThreadedWasmBackend } from './backends/wasmThreaded';
const b = await createThreadedWasmBackend(2);
// eslint-disable-next-line
const m = (b as any).wasm;
m.tfjs.initWithThreadsCount(2); console.log('after', m.tfjs.getThreadsCount());
console.log('unused', m.PThread.unusedWorkers.length, 'running', m.PThread.runningWorkers.length, 'tc', m.tfjs.getThreadsCount());
void tf;
process.exit(0);
