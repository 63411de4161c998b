/**
 * The one training vocabulary: what a user may set for a run, the settings a run is stored and
 * trained with (every default resolved), a run's config, an epoch's metrics and a step's progress.
 * The renderer contract, the CLI, the run's database row, the form and the engine derive from
 * these schemas; nothing else lists their fields or defaults again.
 */
import { z } from 'zod';

/** FCN heads, coarsest last: the paper's FCN-8s, -16s and -32s. */
export const HEADS = ['fcn8s', 'fcn16s', 'fcn32s'] as const;
/** Backbones a user can train: `small` (ours, fast on CPUs), `mobilenetv2` (light, ImageNet weights), `vgg16` (the paper). */
export const BACKBONES = ['small', 'mobilenetv2', 'vgg16'] as const;
/** Compute backends a user can ask for; `auto` picks the fastest that loads. */
export const BACKEND_PREFERENCES = ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export const OPTIMIZERS = ['adam', 'sgd'] as const;
/** Why a run ended: its epochs, its time budget, or a cancel. */
export const STOPPED_BY = ['epochs', 'time', 'cancel'] as const;

export const headSchema = z.enum(HEADS);
export const backboneSchema = z.enum(BACKBONES);
export const backendPreferenceSchema = z.enum(BACKEND_PREFERENCES);
export const optimizerSchema = z.enum(OPTIMIZERS);
export const stoppedBySchema = z.enum(STOPPED_BY);
export type HeadName = z.infer<typeof headSchema>;
export type BackboneName = z.infer<typeof backboneSchema>;
export type BackendPreference = z.infer<typeof backendPreferenceSchema>;
export type OptimizerName = z.infer<typeof optimizerSchema>;
export type StoppedBy = z.infer<typeof stoppedBySchema>;

/** Bounds shared by what a user asks for and what a run stores. */
const epochs = z.number().int().positive().max(1_000_000);
const maxMinutes = z.number().positive().max(60 * 24 * 365);
const batch = z.number().int().positive().max(256);
const longSide = z.number().int().min(32).max(8192);
const crop = z.number().int().min(32).max(8192);
const learningRate = z.number().positive().max(1);
const seed = z.number().int().min(0).max(2 ** 31 - 1);
/** Colour jitter strength (0 = off, at most 0.9): brightness, contrast and saturation × [1 − j, 1 + j]. */
const colorJitter = z.number().min(0).max(0.9);
/** Seconds between validations (and checkpoints); 0 = after every epoch. */
const validateEverySeconds = z.number().min(0).max(24 * 3600);

/** What a user may set for a new run (form, CLI, `runs:start`); an absent field takes the default. */
export const trainSettingsInputSchema = z.object({
  head: headSchema.optional(),
  backbone: backboneSchema.optional(),
  backend: backendPreferenceSchema.optional(),
  /** Epochs at most. Absent with maxMinutes given: as many as the minutes allow. */
  epochs: epochs.optional(),
  /** Wall-clock budget in minutes, start-up and the final validation included. */
  maxMinutes: maxMinutes.optional(),
  batch: batch.optional(),
  /** Longer image side the network trains and predicts at (never enlarged). */
  longSide: longSide.optional(),
  /** Side of the square random training crops. */
  crop: crop.optional(),
  learningRate: learningRate.optional(),
  optimizer: optimizerSchema.optional(),
  seed: seed.optional(),
  colorJitter: colorJitter.optional(),
  /**
   * Validate and checkpoint after an epoch only when this many seconds have passed since the last
   * time (and always after the last epoch): the short epochs of a small project go to training.
   */
  validateEverySeconds: validateEverySeconds.optional(),
});
export type TrainSettingsInput = z.input<typeof trainSettingsInputSchema>;

/** A run's settings with every default resolved: stored with the run and sent to the ML process. */
export const trainSettingsSchema = z.object({
  head: headSchema,
  backbone: backboneSchema,
  backend: backendPreferenceSchema,
  /** null: no epoch limit, the run trains until maxMinutes are spent. */
  epochs: epochs.nullable(),
  maxMinutes: maxMinutes.nullable(),
  batch,
  longSide,
  crop,
  learningRate,
  optimizer: optimizerSchema,
  seed,
  // Runs stored before colour jitter existed have none.
  colorJitter: colorJitter.default(0),
  // Runs stored before validation by time validated every epoch.
  validateEverySeconds: validateEverySeconds.default(0),
});
export type TrainSettings = z.infer<typeof trainSettingsSchema>;

/** Defaults that do not depend on the images or the weights. */
export const TRAIN_DEFAULTS = {
  head: 'fcn8s',
  backbone: 'small',
  backend: 'auto',
  /** Epochs of a run given neither epochs nor minutes. */
  epochs: 50,
  batch: 8,
  optimizer: 'adam',
  seed: 1,
  colorJitter: 0,
  validateEverySeconds: 25,
} as const satisfies Partial<TrainSettings>;

/**
 * Default training scale: frames whose longer side is at least HALF_SCALE_FROM train at half size,
 * and no default side exceeds MAX_DEFAULT_LONG_SIDE. Measured on CamVid scribbles (10 minutes,
 * 0006R0 held out): 480-px frames at full size ended at val mean IU 0.06, at half size 0.19 — so
 * full resolution for everything up to 512 px was tried and not adopted. `longSide` overrides it.
 */
export const HALF_SCALE_FROM = 480;
export const MAX_DEFAULT_LONG_SIDE = 320;
/** Largest default crop side: a crop's cost grows with its area, its benefit less so. */
const MAX_DEFAULT_CROP = 176;

/**
 * Adam's default step size: 1e-4 for VGG16 (the seeds) and for fine-tuning pretrained weights
 * (a large step wrecks them), 1e-3 for a backbone trained from scratch.
 */
export function defaultLearningRate(backbone: BackboneName, pretrained: boolean): number {
  return backbone === 'vgg16' || pretrained ? 1e-4 : 1e-3;
}

/**
 * Poly decay, as the FCN and DeepLab recipes do: the step size `fraction` (0..1) through a
 * planned run, big steps early and settling at the end (never below 1 % of the base).
 */
export function polyLearningRate(base: number, fraction: number): number {
  return base * Math.max(0.01, (1 - Math.min(1, Math.max(0, fraction))) ** 0.9);
}

/** The scale a project trains at by default (see HALF_SCALE_FROM). */
export function defaultLongSide(largestImageSide: number): number {
  const side = largestImageSide >= HALF_SCALE_FROM ? largestImageSide / 2 : largestImageSide;
  return Math.max(32, Math.min(Math.round(side), MAX_DEFAULT_LONG_SIDE));
}

/** Square crops of about three quarters of the training scale, a multiple of 16, at most 176. */
export function defaultCrop(longSide: number): number {
  return Math.max(32, Math.min(MAX_DEFAULT_CROP, Math.floor((longSide * 0.75) / 16) * 16));
}

/**
 * A new run's settings: the user's fields as given, the rest from the defaults. Minutes without
 * epochs mean "train for these minutes" (no epoch limit); neither means TRAIN_DEFAULTS.epochs.
 */
export function resolveTrainSettings(input: TrainSettingsInput, largestImageSide: number, pretrained = false): TrainSettings {
  const backbone = input.backbone ?? TRAIN_DEFAULTS.backbone;
  const side = input.longSide ?? defaultLongSide(largestImageSide);
  const maxMinutesGiven = input.maxMinutes ?? null;
  return trainSettingsSchema.parse({
    head: input.head ?? TRAIN_DEFAULTS.head,
    backbone,
    backend: input.backend ?? TRAIN_DEFAULTS.backend,
    epochs: input.epochs ?? (maxMinutesGiven === null ? TRAIN_DEFAULTS.epochs : null),
    maxMinutes: maxMinutesGiven,
    batch: input.batch ?? TRAIN_DEFAULTS.batch,
    longSide: side,
    crop: input.crop ?? defaultCrop(side),
    learningRate: input.learningRate ?? defaultLearningRate(backbone, pretrained),
    optimizer: input.optimizer ?? TRAIN_DEFAULTS.optimizer,
    seed: input.seed ?? TRAIN_DEFAULTS.seed,
    colorJitter: input.colorJitter ?? TRAIN_DEFAULTS.colorJitter,
    validateEverySeconds: input.validateEverySeconds ?? TRAIN_DEFAULTS.validateEverySeconds,
  });
}

/** What a Keras weights file gives a backbone: checked before a run starts, stored with the run. */
export const weightsReportSchema = z.object({
  /** The Keras-applications model the file's layer names tell ('VGG16', 'MobileNetV2', …; 'unknown'). */
  kerasModel: z.string(),
  /** `weights`: keras-applications / save_weights layout; `model`: a full-model save (`model_weights` group). */
  layout: z.enum(['weights', 'model']),
  /** Our backbone layers taken from the file (`block1_conv1`, …, `fc6`, `fc7`). */
  loaded: z.array(z.string()),
  /** Backbone layers the file lacks, freshly initialised (fc6 and fc7 from a file without top). The FCN head always is. */
  initialised: z.array(z.string()),
  /** Layers of the file with weights that the backbone does not use (`predictions`). */
  ignored: z.array(z.string()),
});
export type WeightsReport = z.infer<typeof weightsReportSchema>;

/** The Keras weights a run started from, as its config stores them. */
export const initialWeightsSchema = z.object({
  source: z.enum(['imagenet', 'file']),
  path: z.string(),
  report: weightsReportSchema,
});

/** What the runs table's config column holds for a run. */
export const runConfigSchema = z.object({
  settings: trainSettingsSchema,
  /** Project class values in index order: network class i is mask value classValues[i]. */
  classValues: z.array(z.number().int().min(0).max(254)),
  trainImages: z.number().int().min(0),
  valImages: z.number().int().min(0),
  initialWeights: initialWeightsSchema.nullable().default(null),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

/** One training step's progress, as the ML process reports it and a progress bar shows it. */
export const trainProgressSchema = z.object({
  epoch: z.number().int(),
  /** Step within the epoch, from 1. */
  step: z.number().int(),
  stepsPerEpoch: z.number().int().nullable(),
  loss: z.number(),
  imagesPerSecond: z.number(),
  /** Seconds left in this epoch; null when the epoch length is unknown. */
  etaSeconds: z.number().nullable(),
  /** Share of the whole run done (epochs, or minutes, whichever ends it first), 0..1. */
  runFraction: z.number().min(0).max(1),
  /** Seconds left in the whole run at the current speed; null while unknown. */
  runEtaSeconds: z.number().nullable(),
  /** Resident memory of the ML process (the compute backend's heap included), bytes. */
  memoryBytes: z.number(),
});
export type TrainProgress = z.infer<typeof trainProgressSchema>;

/** One epoch's numbers as stored (val fields null where the epoch was not validated). */
export const epochMetricsSchema = z.object({
  epoch: z.number().int(),
  trainLoss: z.number(),
  valLoss: z.number().nullable(),
  pixelAccuracy: z.number().nullable(),
  meanAccuracy: z.number().nullable(),
  meanIoU: z.number().nullable(),
  fwIoU: z.number().nullable(),
  perClassIoU: z.array(z.number().nullable()).nullable(),
  confusion: z.array(z.array(z.number())).nullable(),
  seconds: z.number(),
  imagesPerSecond: z.number(),
});
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;
