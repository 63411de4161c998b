import type { BackboneName, BackendPreference, HeadName } from '../../../shared/contract/mlContract';
import { defaultLearningRate } from '../../../shared/domain/training';

export interface TrainSettings {
  head: HeadName;
  backbone: BackboneName;
  backend: BackendPreference;
  epochs: number;
  maxMinutes: number | null;
  batch: number;
  /** Longer image side the network trains and predicts at. */
  longSide: number;
  crop: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  seed: number;
  /** Colour jitter strength; 0 = off. */
  colorJitter: number;
}

export type TrainSettingsInput = Partial<TrainSettings>;

/**
 * Settings a user need not tune: the small backbone (fast on CPUs and laptop GPUs; pass vgg16 for
 * the paper's net on a real GPU), half-resolution training for large frames, square crops of about
 * three quarters of that side, batch 8, Adam at 1e-3 from scratch (1e-4 for VGG16, as the seeds,
 * and for any backbone that starts from pretrained weights, which a large step would wreck).
 * These are the settings of the PyTorch peer that reaches CamVid mean IU 0.5 in minutes.
 */
export function resolveTrainSettings(input: TrainSettingsInput, largestImageSide: number, pretrained = false): TrainSettings {
  const backbone = input.backbone ?? 'small';
  const longSide = input.longSide ?? Math.min(largestImageSide >= 480 ? Math.round(largestImageSide / 2) : largestImageSide, 320);
  const crop = input.crop ?? Math.max(32, Math.min(176, Math.floor((longSide * 0.75) / 16) * 16));
  return {
    head: input.head ?? 'fcn8s',
    backbone,
    backend: input.backend ?? 'auto',
    epochs: input.epochs ?? 50,
    maxMinutes: input.maxMinutes ?? null,
    batch: input.batch ?? 8,
    longSide,
    crop,
    learningRate: input.learningRate ?? defaultLearningRate(backbone, pretrained),
    optimizer: input.optimizer ?? 'adam',
    seed: input.seed ?? 1,
    colorJitter: input.colorJitter ?? 0,
  };
}

