import * as tf from '@tensorflow/tfjs-core';

import { reluGradFromOutput } from './relu6';

/**
 * relu(conv2d(x, filter, 'same') + bias) for training, as one fused kernel forward and one pass for
 * the activation's gradient. TF.js unfuses a fused convolution whose activation is not linear while
 * it records gradients: a convolution, then a full pass for the bias and one for the ReLU, and
 * backwards Step and Multiply — four passes over every activation of the network per step, about a
 * tenth of a small FCN-8s step on wasm. Here the forward is the backend's FusedConv2D, the backward
 * dy ⊙ [y > 0] (one registered kernel where the backend has it), the bias gradient its sum, and the
 * two convolution gradients. The input's gradient is skipped (zeros) where `inputGrad` is false:
 * the network's own input, which no weight depends on.
 */
export function conv2dBiasReluTrainable(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, stride: number, inputGrad: boolean): tf.Tensor4D {
  const strides: [number, number] = [stride, stride];
  const common = { strides, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const op = tf.customGrad(((xIn: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const y = tf.engine().runKernel(
      'FusedConv2D',
      { x: xIn, filter: w, bias: b },
      { ...common, dilations: [1, 1], activation: 'relu' } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor4D;
    save([xIn, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const g = reluGradFromOutput(dy, ys, Infinity);
        const dx = inputGrad
          ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter: ws }, { ...common, inputShape: xs.shape } as unknown as tf.NamedAttrMap) as tf.Tensor)
          : tf.zerosLike(xs);
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: g }, { ...common, filterShape: ws.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [dx, dw, tf.sum(g, [0, 1, 2])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, filter, bias) as tf.Tensor4D;
}
