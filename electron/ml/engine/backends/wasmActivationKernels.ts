import * as tf from '@tensorflow/tfjs-core';

import { RELU_GRAD_KERNEL } from '../model/relu6';
import { simdKernels } from './simd/simdKernels';
import { type KernelArgs, type WasmBackend, heapF32, heapOffset } from './wasmHeap';

/** A clipped ReLU's gradient in one pass over the heap: dy where 0 < y < hi (6: ReLU6, +∞: ReLU). */
function reluGradWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const hi = (args.attrs as { hi?: number } | undefined)?.hi ?? Infinity;
  const out = backend.makeOutput(y.shape, 'float32');
  const simd = simdKernels(backend);
  if (simd) {
    simd.reluGrad(heapOffset(backend, dy), heapOffset(backend, y), heapOffset(backend, out), tf.util.sizeFromShape(y.shape), hi);
    return out;
  }
  const g = heapF32(backend, dy);
  const v = heapF32(backend, y);
  const dst = heapF32(backend, out);
  for (let i = 0; i < dst.length; i++) dst[i] = v[i] > 0 && v[i] < hi ? g[i] : 0;
  return out;
}

export function registerWasmActivationKernels(): void {
  if (!tf.getKernel(RELU_GRAD_KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: reluGradWasm as tf.KernelFunc });
  }
}
