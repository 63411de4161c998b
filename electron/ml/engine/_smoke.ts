import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, buildFcn, createOptimizer, trainStep } from '/work/main/electron/ml/engine/index';
const which = (process.argv[2] ?? 'wasm') as 'wasm';
const c = await selectBackend(which);
console.log(c);
const model = buildFcn({ head: 'fcn8s', backbone: 'small', numClasses: 21, dropout: 0.5, seed: 1 });
console.log('params', model.parameterCount());
const opt = createOptimizer({ name: 'adam', learningRate: 1e-4 });
const n = 2, h = 256, w = 256;
const images = new Float32Array(n * h * w * 3).map((_, i) => (i * 7919) % 255);
const masks = new Uint8Array(n * h * w).map((_, i) => (i % 21));
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  const loss = await trainStep(model, opt, { images, masks, n, height: h, width: w });
  console.log('step', i, loss.toFixed(4), (performance.now() - t0).toFixed(0), 'ms', tf.memory().numTensors);
}
const prof = await tf.profile(async () => { const l = await trainStep(model, opt, { images, masks, n, height: h, width: w }); return tf.scalar(l); });
const by = new Map<string, number>();
for (const k of prof.kernels) by.set(k.name, (by.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log([...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k}:${v.toFixed(0)}`).join(' '));
