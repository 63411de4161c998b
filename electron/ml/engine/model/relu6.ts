import * as tf from '@tensorflow/tfjs-core';

/**
 * A kernel that backends may register for a clipped ReLU's gradient in one pass (the wasm backend
 * does): inputs dy and the activation's output y, attr `hi`; dy where 0 < y < hi, else 0.
 */
export const RELU_GRAD_KERNEL = 'FcnStudioReluGrad';

/** dy where 0 < y < hi, else 0, from the activation's output y (hi = 6: ReLU6; +∞: ReLU). */
export function reluGradFromOutput(dy: tf.Tensor, y: tf.Tensor, hi: number): tf.Tensor {
  if (tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, y }, { hi }) as tf.Tensor;
  }
  const open = hi === Infinity ? tf.greater(y, 0) : tf.logicalAnd(tf.greater(y, 0), tf.less(y, hi));
  return tf.mul(dy, tf.cast(open, 'float32'));
}

/**
 * min(max(x, 0), 6) for training. TF.js differentiates relu6 with four full passes (a broadcast
 * LessEqual, Step, Cast, Mul — the comparison alone is slow on wasm: ≈ 10 % of a MobileNetV2
 * step); here the gradient is one registered kernel where the backend has it. The gradient is
 * taken from the output, so x need not be kept.
 */
export const relu6Trainable = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const y = tf.relu6(x);
  save([y]);
  return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => reluGradFromOutput(dy, saved[0], 6) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** Whether ops run under a gradient tape now (training): fused activations then lose their gradient. */
export function recordingGradients(): boolean {
  return ((tf.engine().state as unknown as { gradientDepth: number }).gradientDepth ?? 0) > 0;
}
