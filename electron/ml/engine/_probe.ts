import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createThreadedWasmBackend } from '/work/main/electron/ml/engine/backends/wasmThreaded';
const mode = process.argv[2];
if (mode === 'mt') {
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => createThreadedWasmBackend(2), 2);
}
await tf.setBackend('wasm'); await tf.ready();
const w = await import('@tensorflow/tfjs-backend-wasm');
console.log('threads', w.getThreadsCount());
const x = tf.randomNormal([2, 128, 128, 64]); const f = tf.randomNormal([3, 3, 64, 64]);
for (let i = 0; i < 3; i++) { const t0 = performance.now(); const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'); await y.data(); console.log('conv ms', (performance.now() - t0).toFixed(1)); y.dispose(); }
