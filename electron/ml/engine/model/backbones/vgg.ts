import * as tf from '@tensorflow/tfjs-core';

import type { BackboneName } from '../types';

/**
 * A VGG-style backbone: stages of 3×3 convolutions each ending in a 2×2 max-pool, then the
 * convolutionized fully connected layers fc6 (k×k) and fc7 (1×1). It names which pools feed the
 * FCN-16s/8s skip connections.
 */
export interface BackboneSpec {
  name: BackboneName;
  /** [width, number of 3×3 convs] per stage; stage i ends in pool{i+1}. */
  stages: [number, number][];
  fcWidth: number;
  fcKernel: number;
  /** Stage indices (0-based) whose pooled output feeds score_pool4 and score_pool3. */
  skips: { pool4: number; pool3: number };
  /** Maps RGB 0..255 NHWC to what the weights expect. */
  preprocess(x: tf.Tensor4D): tf.Tensor4D;
}

/** Keras-applications "caffe" mode: BGR, ImageNet mean subtracted, no scaling (what VGG16 weights expect). */
function caffePreprocess(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.reverse(x, -1), tf.tensor1d([103.939, 116.779, 123.68])) as tf.Tensor4D);
}

/** torchvision style: RGB scaled to 0..1, normalised with the ImageNet mean and std. */
function torchPreprocess(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(
    () =>
      tf.div(
        tf.sub(x, tf.tensor1d([0.485 * 255, 0.456 * 255, 0.406 * 255])),
        tf.tensor1d([0.229 * 255, 0.224 * 255, 0.225 * 255]),
      ) as tf.Tensor4D,
  );
}

export const backbones: Record<BackboneName, BackboneSpec> = {
  vgg16: {
    name: 'vgg16',
    stages: [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]],
    fcWidth: 4096,
    fcKernel: 7,
    skips: { pool4: 3, pool3: 2 },
    preprocess: caffePreprocess,
  },
  // The PyTorch peer's fcn8s_small: VGG16 widths / 8, fc6/fc7 of width 256.
  small: {
    name: 'small',
    stages: [[8, 2], [16, 2], [32, 3], [64, 3], [64, 3]],
    fcWidth: 256,
    fcKernel: 7,
    skips: { pool4: 3, pool3: 2 },
    preprocess: torchPreprocess,
  },
  // A few thousand weights: unit tests, cross-backend checks and smoke runs.
  tiny: {
    name: 'tiny',
    stages: [[4, 1], [8, 1], [8, 1], [16, 1], [16, 1]],
    fcWidth: 32,
    fcKernel: 3,
    skips: { pool4: 3, pool3: 2 },
    preprocess: torchPreprocess,
  },
};
