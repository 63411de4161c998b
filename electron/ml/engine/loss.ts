import * as tf from '@tensorflow/tfjs-core';

export const IGNORE_INDEX = 255;

/**
 * A kernel a backend may register for the whole loss and its gradient in one pass (the wasm
 * backend does): inputs logits, labels (int32), weights [C]; outputs [loss, grad].
 */
export const SOFTMAX_CE_KERNEL = 'FcnStudioSoftmaxCrossEntropy';

/**
 * The loss through SOFTMAX_CE_KERNEL: the gradient is computed with the value and scaled by dy.
 * A training step's dy is 1 (the loss is what it differentiates): then the scaling, a pass over
 * every logit, is skipped (reading the scalar is a 4-byte read on the CPU backends that register
 * the kernel).
 */
function fusedLoss(logits: tf.Tensor4D, labels: tf.Tensor3D, weights: tf.Tensor1D): tf.Scalar {
  const op = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    const [value, grad] = tf.engine().runKernel(SOFTMAX_CE_KERNEL, { logits: x, labels: y, weights: w }) as tf.Tensor[];
    save([grad]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        dy.dataSync()[0] === 1 ? tf.clone(saved[0]) : tf.mul(saved[0], dy),
        tf.zerosLike(y),
        tf.zerosLike(w),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits, labels, weights) as tf.Scalar;
}

/**
 * Mean softmax cross-entropy over labeled pixels. Labels equal to 255 contribute neither loss nor
 * gradient, so sparse scribbles are valid training data. With class weights the mean is weighted
 * (Σ w_y·nll / Σ w_y), as PyTorch's cross_entropy(weight=, ignore_index=255) computes it.
 *
 * logits [N, H, W, C], labels int32 [N, H, W]. The gradient is written out (softmax − one-hot)
 * rather than differentiated through log-softmax: fewer kernels per step on every backend.
 */
export function softmaxCrossEntropyIgnore(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  classWeights?: tf.Tensor1D | null,
): tf.Scalar {
  const numClasses = logits.shape[3];
  if (tf.getKernel(SOFTMAX_CE_KERNEL, tf.getBackend())) {
    return tf.tidy(() => fusedLoss(logits, labels, classWeights ?? tf.ones([numClasses])));
  }
  const weighted = classWeights != null;
  const lossFn = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, cw: tf.Tensor, save: tf.GradSaveFunc) => {
    const valid = tf.notEqual(y, tf.scalar(IGNORE_INDEX, 'int32'));
    const safeLabels = tf.where(valid, y, tf.zerosLike(y));
    // Not oneHot(..., 'float32'): the wasm kernel writes int32 bits whatever the dtype (tested: the
    // loss then stays at ln C on wasm while cpu learns).
    const oneHot = tf.cast(tf.oneHot(safeLabels as tf.Tensor3D, numClasses), 'float32');
    const validF = tf.cast(valid, 'float32');
    const pixelWeight = weighted ? tf.mul(validF, tf.gather(cw, safeLabels)) : validF;
    const denominator = tf.maximum(tf.sum(pixelWeight), tf.scalar(1e-12));
    // nll = log Σ exp(x − max) − (x_y − max); the softmax for the gradient is exp(x − max) / Σ,
    // so one exp serves both (each full-size op is a pass over N·H·W·C values).
    const shifted = tf.sub(x, tf.max(x, -1, true));
    const e = tf.exp(shifted);
    const sumE = tf.sum(e, -1, true);
    const nll = tf.sub(tf.log(tf.squeeze(sumE, [-1])), tf.sum(tf.mul(oneHot, shifted), -1));
    const value = tf.div(tf.sum(tf.mul(nll, pixelWeight)), denominator) as tf.Scalar;
    const scale = tf.div(tf.expandDims(pixelWeight, -1), denominator);
    save([e, sumE, oneHot, scale]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedE, savedSum, savedOneHot, savedScale] = saved;
        const dx = tf.mul(tf.sub(tf.div(savedE, savedSum), savedOneHot), tf.mul(savedScale, dy));
        return [dx, tf.zerosLike(y), tf.zerosLike(cw)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return tf.tidy(() => lossFn(logits, labels, classWeights ?? tf.ones([numClasses])) as tf.Scalar);
}

/**
 * Median-frequency balancing (Eigen & Fergus): w_c = median(freq) / freq_c over classes present,
 * from per-class labeled pixel counts; absent classes get weight 0.
 */
export function medianFrequencyWeights(pixelCounts: ArrayLike<number>): Float32Array {
  const counts = Array.from(pixelCounts);
  const total = counts.reduce((a, b) => a + b, 0);
  const present = counts.filter((c) => c > 0).map((c) => c / total).sort((a, b) => a - b);
  const out = new Float32Array(counts.length);
  if (present.length === 0) return out;
  const mid = present.length >> 1;
  const median = present.length % 2 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
  counts.forEach((c, i) => {
    out[i] = c > 0 ? median / (c / total) : 0;
  });
  return out;
}
