import type { Backbone, BackboneFeatures, LayerOps, ParamSpec, PreprocessSpec } from './backbone';

/**
 * MobileNetV2 (Sandler et al. 2018) as Keras-applications builds it, alpha 1.0, without the top:
 * the stride-32 features are `out_relu`, after Conv_1 (1×1, 1280 channels).
 *
 * Layer names are Keras', with each BatchNormalization folded into the convolution before it
 * (kernel·γ/√(var+ε), bias β − mean·γ/√(var+ε), ε = 1e-3), so the network is convolutions with
 * bias and ReLU6 only: `Conv1`, `expanded_conv_{depthwise,project}`, `block_N_{expand,depthwise,project}`
 * for N = 1..16, `Conv_1`. The Keras weight loader produces exactly these names.
 */

/** One inverted-residual block: expansion factor, output channels, stride, and its Keras name. */
export interface InvertedResidual {
  prefix: string;
  expansion: number;
  inChannels: number;
  outChannels: number;
  stride: number;
  /** Stride 1 with as many channels out as in: the block's input is added to its output. */
  residual: boolean;
}

const FIRST_CHANNELS = 32;
const LAST_CHANNELS = 1280;
/** The paper's table 2 (t, c, n, s): expansion, channels, repeats, stride of the first repeat. */
const SETTINGS: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];
/** Blocks whose output feeds the skips: block_5 ends the stride-8 stage (32 channels), block_12 the stride-16 one (96). */
const POOL3_BLOCK = 5;
const POOL4_BLOCK = 12;

/** The 17 blocks, `expanded_conv` (block 0, no expansion layer) to `block_16`. */
export const MOBILENETV2_BLOCKS: readonly InvertedResidual[] = (() => {
  const blocks: InvertedResidual[] = [];
  let cin = FIRST_CHANNELS;
  for (const [t, c, n, s] of SETTINGS) {
    for (let i = 0; i < n; i++) {
      const id = blocks.length;
      const stride = i === 0 ? s : 1;
      blocks.push({ prefix: id === 0 ? 'expanded_conv' : `block_${id}`, expansion: t, inChannels: cin, outChannels: c, stride, residual: stride === 1 && cin === c });
      cin = c;
    }
  }
  return blocks;
})();

/** Keras "tf" mode: x / 127.5 − 1, RGB. */
const TF_MODE: PreprocessSpec = { bgr: false, mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] };

/**
 * Every weight with its shape, in Keras' layer order: what a loader of Keras MobileNetV2 weights
 * (BatchNorm folded) must produce.
 */
export function mobilenetV2ParamSpecs(): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const conv = (name: string, shape: number[], init: ParamSpec['init'] = 'kaiming') => {
    specs.push({ name: `${name}/kernel`, shape, init });
    specs.push({ name: `${name}/bias`, shape: [shape[3]], init: 'zeros' });
  };
  conv('Conv1', [3, 3, 3, FIRST_CHANNELS]);
  for (const b of MOBILENETV2_BLOCKS) {
    const hidden = b.inChannels * b.expansion;
    if (b.expansion !== 1) conv(`${b.prefix}_expand`, [1, 1, b.inChannels, hidden]);
    specs.push({ name: `${b.prefix}_depthwise/depthwise_kernel`, shape: [3, 3, hidden, 1], init: 'kaiming' });
    specs.push({ name: `${b.prefix}_depthwise/bias`, shape: [hidden], init: 'zeros' });
    // Without BatchNorm nothing rescales the ten residual sums, so activations would grow with
    // depth in a fresh net. A zero projection makes each residual block start as the identity
    // (the zero-γ / SkipInit / Fixup idea): the untrained net is its 7 stride/width-changing
    // blocks, and each residual branch starts learning once its projection has had one update.
    conv(`${b.prefix}_project`, [1, 1, hidden, b.outChannels], b.residual ? 'zeros' : 'kaiming');
  }
  conv('Conv_1', [1, 1, MOBILENETV2_BLOCKS[MOBILENETV2_BLOCKS.length - 1].outChannels, LAST_CHANNELS]);
  return specs;
}

const weightNames = new Set(mobilenetV2ParamSpecs().map((s) => s.name));

export const mobilenetv2: Backbone = {
  name: 'mobilenetv2',
  preprocess: TF_MODE,
  outChannels: LAST_CHANNELS,
  skipChannels: { pool4: MOBILENETV2_BLOCKS[POOL4_BLOCK].outChannels, pool3: MOBILENETV2_BLOCKS[POOL3_BLOCK].outChannels },
  paramSpecs: mobilenetV2ParamSpecs,

  features<T>(input: T, ops: LayerOps<T>): BackboneFeatures<T> {
    let x = ops.conv(input, 'Conv1', 'relu6', 2);
    const blockOutputs: T[] = [];
    for (const b of MOBILENETV2_BLOCKS) {
      let h = b.expansion !== 1 ? ops.conv(x, `${b.prefix}_expand`, 'relu6') : x;
      h = ops.depthwiseConv(h, `${b.prefix}_depthwise`, 'relu6', b.stride);
      h = ops.conv(h, `${b.prefix}_project`, 'linear');
      x = b.residual ? ops.add(x, h) : h;
      blockOutputs.push(x);
    }
    x = ops.dropout(ops.conv(x, 'Conv_1', 'relu6'));
    return { out: x, skips: { pool4: blockOutputs[POOL4_BLOCK], pool3: blockOutputs[POOL3_BLOCK] } };
  },

  // Every MobileNetV2 weight: the whole network is what ImageNet pretraining provides.
  isBackboneWeight: (name) => weightNames.has(name),
};
