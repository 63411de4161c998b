import type { BackboneName } from '../../types';
import type { Backbone } from './backbone';
import { mobilenetv2 } from './mobilenetv2';
import { vgg16, vggSmall, vggTiny } from './vgg';

/** Every backbone by name; adding one is adding its module here. */
export const backbones: Record<BackboneName, Backbone> = {
  vgg16,
  small: vggSmall,
  tiny: vggTiny,
  mobilenetv2,
};

export { applyPreprocess, preprocessAsConv } from './backbone';
export type { Activation, Backbone, BackboneFeatures, LayerOps, ParamSpec, PreprocessSpec } from './backbone';
export { MOBILENETV2_BLOCKS, mobilenetV2ParamSpecs } from './mobilenetv2';
export type { InvertedResidual } from './mobilenetv2';
export { vggBackbone } from './vgg';
export type { VggSpec } from './vgg';
