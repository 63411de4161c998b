/**
 * Our stride-1 SIMD convolution against what ran before it (XNNPACK forward, our input_grad kernel
 * for the input gradient), layer by layer on the small FCN's training
 * shapes (CamVid's batch of 8 at 192²): forward (FusedConv2D with bias and ReLU) and input
 * gradient, GFLOP/s (2 FLOPs a multiply-add), best of 8, alternating ours / theirs twice. The
 * dispatch rules in wasmKernels.ts (ours up to 3 × 3) come from these figures.
 *
 *   npx tsx bench/convKernels.ts
 */
import * as tf from '@tensorflow/tfjs-core';

import { selectBackend } from '../electron/ml/engine';
import { setSimdConvForward } from '../electron/ml/engine/backends/wasmKernels';

type Shape4 = [number, number, number, number];

await selectBackend('wasm');
const layers: [Shape4, Shape4][] = [
  [[8, 192, 192, 3], [3, 3, 3, 8]],
  [[8, 192, 192, 8], [3, 3, 8, 8]],
  [[8, 96, 96, 16], [3, 3, 16, 16]],
  [[8, 48, 48, 32], [3, 3, 32, 32]],
  [[8, 24, 24, 64], [3, 3, 64, 64]],
  [[8, 12, 12, 64], [3, 3, 64, 64]],
  [[8, 6, 6, 64], [7, 7, 64, 256]],
  [[8, 6, 6, 256], [1, 1, 256, 256]],
  [[8, 24, 24, 11], [2, 2, 11, 176]],
  [[2, 32, 32, 21], [2, 2, 21, 336]],
];
const best = (run: () => tf.Tensor, reps: number) => {
  let least = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const y = run();
    y.dataSync();
    least = Math.min(least, performance.now() - t0);
    y.dispose();
  }
  return least;
};
for (const [xShape, kShape] of layers) {
  const x = tf.randomNormal(xShape) as tf.Tensor4D;
  const filter = tf.randomNormal(kShape) as tf.Tensor4D;
  const bias = tf.randomNormal([kShape[3]]) as tf.Tensor1D;
  const dy = tf.randomNormal([xShape[0], xShape[1], xShape[2], kShape[3]]) as tf.Tensor4D;
  const gflop = (2 * xShape[0] * xShape[1] * xShape[2] * kShape[0] * kShape[1] * kShape[2] * kShape[3]) / 1e9;
  const cells: string[] = [];
  for (const ours of [false, true, false, true]) {
    setSimdConvForward(ours);
    const forward = best(() => tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same', activation: 'relu' }), 8);
    const inputGrad = best(() => tf.conv2dTranspose(dy, filter, xShape, 1, 'same'), 8);
    cells.push(`${ours ? 'ours' : 'before (XNNPACK; input_grad)'} fwd ${((gflop / forward) * 1e3).toFixed(1)} dx ${((gflop / inputGrad) * 1e3).toFixed(1)}`);
  }
  console.log(`x ${xShape.join('×')} k ${kShape.join('×')} | ${cells.join(' | ')}`);
  tf.dispose([x, filter, bias, dy]);
}
process.exit(0);
