import * as tf from '@tensorflow/tfjs-core';

/** A kernel call as a kernel function receives it. */
export type KernelCall = Parameters<tf.KernelFunc>[0];

/**
 * Runs `fn` with every kernel of the active backend timed: `record` gets each outermost call
 * (a kernel that calls other kernels counts once, with theirs inside) and its wall time in ms.
 * The backend's own kernels are put back afterwards.
 */
export async function withKernelTimer<T>(record: (kernelName: string, call: KernelCall, ms: number) => void, fn: () => Promise<T>): Promise<T> {
  const backend = tf.getBackend();
  const configs = tf.getKernelsForBackend(backend);
  let depth = 0;
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (call) => {
        depth++;
        const t0 = performance.now();
        try {
          return config.kernelFunc(call);
        } finally {
          depth--;
          if (depth === 0) record(config.kernelName, call, performance.now() - t0);
        }
      },
    });
  }
  try {
    return await fn();
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel(config);
    }
  }
}
