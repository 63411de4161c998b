import type { BackboneName } from '../../types';
import type { Backbone, BackboneFeatures, LayerOps, ParamSpec, PreprocessSpec } from './backbone';

/**
 * A VGG-style backbone: stages of 3×3 convolutions each ending in a 2×2 max-pool, then the
 * convolutionized fully connected layers fc6 (k×k) and fc7 (1×1), each followed by dropout.
 */
export interface VggSpec {
  name: BackboneName;
  /** [width, number of 3×3 convs] per stage; stage i ends in pool{i+1}. */
  stages: [number, number][];
  fcWidth: number;
  fcKernel: number;
  /** Stage indices (0-based) whose pooled output feeds score_pool4 and score_pool3. */
  skips: { pool4: number; pool3: number };
  preprocess: PreprocessSpec;
}

/** Keras-applications "caffe" mode: BGR, ImageNet mean subtracted, no scaling (what VGG16 weights expect). */
const CAFFE: PreprocessSpec = { bgr: true, mean: [103.939, 116.779, 123.68], std: null };

/** torchvision style: RGB scaled to 0..1, normalised with the ImageNet mean and std. */
const TORCH: PreprocessSpec = { bgr: false, mean: [0.485 * 255, 0.456 * 255, 0.406 * 255], std: [0.229 * 255, 0.224 * 255, 0.225 * 255] };

export function vggBackbone(spec: VggSpec): Backbone {
  const lastWidth = spec.stages[spec.stages.length - 1][0];
  return {
    name: spec.name,
    preprocess: spec.preprocess,
    outChannels: spec.fcWidth,
    skipChannels: { pool4: spec.stages[spec.skips.pool4][0], pool3: spec.stages[spec.skips.pool3][0] },

    paramSpecs(): ParamSpec[] {
      const specs: ParamSpec[] = [];
      let cin = 3;
      spec.stages.forEach(([width, convs], s) => {
        for (let i = 0; i < convs; i++) {
          const name = `block${s + 1}_conv${i + 1}`;
          specs.push({ name: `${name}/kernel`, shape: [3, 3, cin, width], init: 'kaiming' });
          specs.push({ name: `${name}/bias`, shape: [width], init: 'zeros' });
          cin = width;
        }
      });
      const fc = spec.fcWidth;
      const k = spec.fcKernel;
      specs.push({ name: 'fc6/kernel', shape: [k, k, lastWidth, fc], init: 'kaiming' });
      specs.push({ name: 'fc6/bias', shape: [fc], init: 'zeros' });
      specs.push({ name: 'fc7/kernel', shape: [1, 1, fc, fc], init: 'kaiming' });
      specs.push({ name: 'fc7/bias', shape: [fc], init: 'zeros' });
      return specs;
    },

    features<T>(input: T, ops: LayerOps<T>): BackboneFeatures<T> {
      const pools: T[] = [];
      let x = input;
      spec.stages.forEach(([, convs], s) => {
        for (let i = 0; i < convs; i++) x = ops.conv(x, `block${s + 1}_conv${i + 1}`, 'relu');
        x = ops.maxPool(x);
        pools.push(x);
      });
      x = ops.dropout(ops.conv(x, 'fc6', 'relu'));
      x = ops.dropout(ops.conv(x, 'fc7', 'relu'));
      return { out: x, skips: { pool4: pools[spec.skips.pool4], pool3: pools[spec.skips.pool3] } };
    },

    // The convolutional stages only: fc6/fc7 train in both stages of a two-stage schedule.
    isBackboneWeight: (name) => name.startsWith('block'),
  };
}

export const vgg16 = vggBackbone({
  name: 'vgg16',
  stages: [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]],
  fcWidth: 4096,
  fcKernel: 7,
  skips: { pool4: 3, pool3: 2 },
  preprocess: CAFFE,
});

/** The PyTorch peer's fcn8s_small: VGG16 widths / 8, fc6/fc7 of width 256. */
export const vggSmall = vggBackbone({
  name: 'small',
  stages: [[8, 2], [16, 2], [32, 3], [64, 3], [64, 3]],
  fcWidth: 256,
  fcKernel: 7,
  skips: { pool4: 3, pool3: 2 },
  preprocess: TORCH,
});

/** A few thousand weights: unit tests, cross-backend checks and smoke runs. */
export const vggTiny = vggBackbone({
  name: 'tiny',
  stages: [[4, 1], [8, 1], [8, 1], [16, 1], [16, 1]],
  fcWidth: 32,
  fcKernel: 3,
  skips: { pool4: 3, pool3: 2 },
  preprocess: TORCH,
});
