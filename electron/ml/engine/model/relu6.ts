import * as tf from '@tensorflow/tfjs-core';

/** A kernel that backends may register for the ReLU6 gradient in one pass (the wasm backend does). */
export const RELU6_GRAD_KERNEL = 'FcnStudioRelu6Grad';

/** dy where 0 < y < 6, else 0, from ReLU6's output y. */
function relu6Grad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (tf.getKernel(RELU6_GRAD_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(RELU6_GRAD_KERNEL, { dy, y }) as tf.Tensor;
  }
  return tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32'));
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
  return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => relu6Grad(dy, saved[0]) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** Whether ops run under a gradient tape now (training): fused activations then lose their gradient. */
export function recordingGradients(): boolean {
  return ((tf.engine().state as unknown as { gradientDepth: number }).gradientDepth ?? 0) > 0;
}
