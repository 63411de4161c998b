import type { BackboneName } from '../contract/mlContract';

/**
 * Adam's default step size: 1e-4 for VGG16 (the seeds) and for fine-tuning pretrained weights
 * (a large step wrecks them), 1e-3 for a backbone trained from scratch.
 */
export function defaultLearningRate(backbone: BackboneName, pretrained: boolean): number {
  return backbone === 'vgg16' || pretrained ? 1e-4 : 1e-3;
}
