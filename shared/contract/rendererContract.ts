import { z } from 'zod';
import { hexColor, className, type LabelClass } from '../domain/classes';
import { CLASS_PRESETS } from '../domain/presets';
import { EXPORT_FORMATS, IMPORT_FORMATS, type ExportProgress, type ExportReport } from '../domain/interop';
import type { WireError } from './errors';
import { trainSettingsInputSchema, type StoppedBy, type TrainProgress } from '../domain/training';
import type { LivePrediction, LiveStatus } from '../domain/live';
import {
  splitSchema,
  IMAGE_STATUSES,
  FILE_STATES,
  SORT_KEYS,
  type ImageRow,
  type ImportProgress,
  type ImportReport,
  type ProjectStatus,
  type ProjectSummary,
} from '../domain/images';
import {
  predictionTargetSchema,
  QUEUE_KINDS,
  UNCERTAINTY_SCORES,
  type PredictionSummary,
  type QueueEntry,
} from '../review/predictions';

/**
 * The one contract between renderer and backend. Both transports (Electron IPC, the browser-mode
 * WebSocket) carry exactly these channels; the backend validates every request with its schema.
 */

/** Declares a channel: its request schema, and its reply type (type-only; replies are ours). */
function channel<Reply>() {
  return <Req extends z.ZodType>(request: Req) => ({ request, reply: undefined as unknown as Reply });
}

const empty = z.object({}).strict();
const byte = z.number().int().min(0).max(255);
const rgb = z.tuple([byte, byte, byte]);
const imageIds = z.array(z.number().int().positive()).min(1).max(100_000);
const projectPath = z.string().trim().min(1, 'choose a project folder');
const runIdSchema = z.number().int().positive();

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  project: ProjectSummary | null;
}

export interface MlStatus {
  state: 'starting' | 'ready' | 'restarting' | 'stopped';
  pid: number | null;
  restarts: number;
  lastError: string | null;
}

export interface ClassDeleteImpact {
  labeledPixels: number;
  images: number;
}

export interface LabelMask {
  imageId: number;
  version: number;
  width: number;
  height: number;
  png: Uint8Array | null;
}

export interface RunSummary {
  id: number;
  /** `interrupted`: stored as running, but the process training it is gone (killed); resumable. */
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
  /** The backend job training this run now (`runs:progress`, `runs:cancel`, `runs:done` name it); null otherwise. */
  jobId: string | null;
  createdAt: string;
  backend: string | null;
  backendReason: string | null;
  error: string | null;
  settings: Record<string, unknown>;
  /** The Keras weights the run started from; null: freshly initialised. */
  initialWeights: InitialWeightsSummary | null;
  epochs: RunEpochSummary[];
  finishedAt: string | null;
  /** Labeled images the run trained and validated on, as counted when it started (null: runs stored before). */
  trainImages: number | null;
  valImages: number | null;
  /** Images with a stored prediction of this run (from predict, eval or the review). */
  predictions: number;
  /** The epoch whose weights are the run's best checkpoint (what eval, predict and export use); null before one. */
  bestEpoch: BestEpochSummary | null;
}

export interface RunEpochSummary {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  meanIoU: number | null;
  pixelAccuracy: number | null;
  seconds: number;
  imagesPerSecond: number;
}

/** The best checkpoint's validation, as measured during training (at the training scale). */
export interface BestEpochSummary {
  epoch: number;
  meanIoU: number | null;
  pixelAccuracy: number | null;
  perClassIoU: Array<number | null> | null;
  /** Rows = true class, columns = predicted, in class-value order. */
  confusion: number[][] | null;
}

/** A checkpoint's scores on a split, with the paper's metrics from one confusion matrix (what `eval` computes). */
export interface EvaluationScores {
  runId: number;
  images: number;
  /** Class names in class-value order: the rows and columns of `confusion`. */
  classes: string[];
  pixelAccuracy: number;
  meanAccuracy: number;
  meanIoU: number;
  fwIoU: number;
  perClassIoU: Array<number | null>;
  confusion: number[][];
}

/** A run's best checkpoint scored at full resolution: exactly what `fcn-studio eval --json` prints. */
export interface RunEvaluation extends EvaluationScores {
  split: EvaluationSplit;
  /** The epoch of the checkpoint that was scored. */
  checkpointEpoch: number;
  evaluatedAt: string;
  /** The split's labels or the run's best checkpoint changed since: the numbers no longer describe them. */
  stale: boolean;
}

export const EVALUATION_SPLITS = ['val', 'test', 'train'] as const;
export type EvaluationSplit = (typeof EVALUATION_SPLITS)[number];

/** Images of a split a run would use (labeled, file present) and those it would leave out. */
export interface SplitTrainingData {
  labeled: number;
  /** In the split but unlabeled, or with a missing or changed file. */
  leftOut: number;
}

/** What a new run will train and validate on. */
export interface TrainingData {
  train: SplitTrainingData;
  val: SplitTrainingData;
}

/** What deleting a run removes, shown before the user confirms. */
export interface RunDeleteImpact {
  runId: number;
  checkpointBytes: number;
  epochs: number;
  predictions: number;
}

export interface InitialWeightsSummary {
  source: 'imagenet' | 'file';
  path: string;
  /** 'VGG16', 'MobileNetV2', … as the file's layer names tell. */
  kerasModel: string;
}

export interface Thumbnail {
  mime: string;
  bytes: Uint8Array;
}

/** A stored prediction for the editor: 8-bit grey PNGs of class values and of confidence (×255). */
export interface StoredPrediction {
  summary: PredictionSummary;
  width: number;
  height: number;
  maskPng: Uint8Array;
  confidencePng: Uint8Array;
}

const optionalRun = z.number().int().positive().optional();

export const rendererContract = {
  'app:info': channel<AppInfo>()(empty),
  'project:create': channel<ProjectSummary>()(z.object({ path: projectPath, preset: z.enum(CLASS_PRESETS) })),
  'project:open': channel<ProjectSummary>()(z.object({ path: projectPath })),
  'project:close': channel<null>()(empty),
  'project:status': channel<ProjectStatus>()(empty),

  'classes:list': channel<LabelClass[]>()(empty),
  'classes:add': channel<LabelClass>()(z.object({ name: className, color: hexColor })),
  'classes:update': channel<LabelClass>()(
    z.object({ id: z.number().int().positive(), name: className.optional(), color: hexColor.optional() }),
  ),
  /** New display order; values (mask pixels) never change. */
  'classes:reorder': channel<LabelClass[]>()(z.object({ ids: z.array(z.number().int().positive()).min(1) })),
  'classes:deleteImpact': channel<ClassDeleteImpact>()(z.object({ id: z.number().int().positive() })),
  /** Deletes a class; its pixels become unlabeled (255) in every mask. Replies with what was affected. */
  'classes:delete': channel<ClassDeleteImpact>()(z.object({ id: z.number().int().positive() })),

  'images:import': channel<{ jobId: string }>()(
    z.object({
      paths: z.array(z.string().min(1)).min(1, 'choose at least one file or folder'),
      copyIntoProject: z.boolean().default(false),
      split: splitSchema.optional(),
      /** What the paths hold (voc: one VOC folder); masks come from `labels` (a folder, or COCO's JSON). */
      format: z.enum(IMPORT_FORMATS).default('folder'),
      labels: z.string().min(1).optional(),
      unlabeledValue: byte.optional(),
      unlabeledColor: rgb.optional(),
    }),
  ),
  /** Files dropped into a browser (no path): their bytes are copied into the project, then imported. */
  'images:upload': channel<{ jobId: string }>()(
    z.object({
      files: z
        .array(z.object({ name: z.string().min(1).max(255), bytes: z.instanceof(Uint8Array) }))
        .min(1)
        .max(1000),
      split: splitSchema.optional(),
    }),
  ),
  'images:cancelImport': channel<{ cancelled: boolean }>()(z.object({ jobId: z.string() })),
  'images:list': channel<ImageRow[]>()(
    z.object({
      status: z.enum(IMAGE_STATUSES).optional(),
      split: splitSchema.optional(),
      fileState: z.enum(FILE_STATES).optional(),
      search: z.string().max(200).optional(),
      /** Only these images: how a client refreshes the rows an `images:changed` event names. */
      ids: imageIds.optional(),
      sort: z.enum(SORT_KEYS).default('name'),
      descending: z.boolean().default(false),
    }),
  ),
  'images:thumbnail': channel<Thumbnail>()(z.object({ id: z.number().int().positive() })),
  'images:setSplit': channel<{ updated: number }>()(z.object({ ids: imageIds, split: splitSchema })),
  'images:setDone': channel<{ updated: number }>()(z.object({ ids: imageIds, done: z.boolean() })),
  'images:autoSplit': channel<ProjectStatus['splits']>()(
    z
      .object({
        seed: z.number().int(),
        train: z.number().min(0).max(1),
        val: z.number().min(0).max(1),
        test: z.number().min(0).max(1),
        onlyUnassigned: z.boolean().default(true),
        /** Only images with labels move, stratified by the classes they hold; unlabeled ones stay. */
        labeledOnly: z.boolean().default(false),
      })
      .refine((f) => Math.abs(f.train + f.val + f.test - 1) < 1e-6, 'train + val + test must add up to 1'),
  ),
  'images:verifyFiles': channel<{ checked: number; missing: number; modified: number }>()(empty),

  /** The image for the editor, in a format every browser shows (JPEG/PNG/WebP as stored; TIFF/BMP as PNG). */
  'images:pixels': channel<{ mime: string; bytes: Uint8Array; width: number; height: number }>()(z.object({ id: z.number().int().positive() })),
  /** The current mask: 8-bit grey PNG of class values (255 = unlabeled), or null when the image has none. */
  'labels:get': channel<LabelMask>()(z.object({ imageId: z.number().int().positive() })),
  /**
   * Saves a new mask version. `baseVersion` is the version the edit started from: if the image has
   * moved past it (another window saved), the save is refused with CONFLICT and nothing is lost.
   */
  'labels:save': channel<{ version: number; labeledFraction: number }>()(
    z.object({ imageId: z.number().int().positive(), baseVersion: z.number().int().min(0), png: z.instanceof(Uint8Array) }),
  ),

  'export:start': channel<{ jobId: string }>()(
    z.object({
      format: z.enum(EXPORT_FORMATS),
      outDir: z.string().trim().min(1, 'choose an output folder'),
      split: splitSchema.optional(),
      onlyDone: z.boolean().default(false),
      force: z.boolean().default(false),
      unlabeledValue: byte.optional(),
      unlabeledColor: rgb.optional(),
      /** Masks from this run's stored predictions instead of the labels (the CLI's `--source predictions:RUN`). */
      predictionsOf: z.number().int().positive().optional(),
    }),
  ),
  'export:cancel': channel<{ cancelled: boolean }>()(z.object({ jobId: z.string() })),

  /** Starts training (or resumes a run) in the ML process; progress and epochs arrive as events. */
  'runs:start': channel<{ jobId: string }>()(
    trainSettingsInputSchema.extend({
      /** `none`, `imagenet` (downloaded once by the backend) or the path of a Keras .h5 file. */
      weights: z.string().trim().min(1).optional(),
      resume: z.string().optional(),
    }),
  ),
  'runs:cancel': channel<{ cancelled: boolean }>()(z.object({ jobId: z.string() })),
  'runs:list': channel<RunSummary[]>()(empty),
  // Run history: evaluate, export, delete (the "runs" block).
  /** Scores the run's best checkpoint on a split at full resolution (as `fcn-studio eval`) and stores the result. */
  'runs:evaluate': channel<RunEvaluation>()(z.object({ runId: runIdSchema, split: z.enum(EVALUATION_SPLITS).default('val') })),
  /** The stored evaluation, or null when the run was never evaluated on that split. */
  'runs:evaluation': channel<RunEvaluation | null>()(z.object({ runId: runIdSchema, split: z.enum(EVALUATION_SPLITS).default('val') })),
  'runs:deleteImpact': channel<RunDeleteImpact>()(z.object({ runId: runIdSchema })),
  /** Deletes a run that is not training, its epochs, predictions and checkpoint files. */
  'runs:delete': channel<RunDeleteImpact>()(z.object({ runId: runIdSchema })),
  /** What a new run would train and validate on, counted now. */
  'runs:trainingData': channel<TrainingData>()(empty),
  /** The run's best checkpoint as TF.js and ONNX models (as `fcn-studio export --format model`). */
  'runs:exportModel': channel<{ outDir: string; epoch: number; files: string[] }>()(
    z.object({ runId: runIdSchema, outDir: z.string().trim().min(1, 'choose an output folder'), force: z.boolean().default(false) }),
  ),

  // --- live training (issue 12) ---
  /** Turns Live on for the open project (remembered); `imageId`: the open image, predicted after every round. */
  'live:start': channel<LiveStatus>()(z.object({ imageId: z.number().int().positive().nullable().optional() })),
  /** Turns Live off (remembered); replies once the job has stopped. */
  'live:stop': channel<LiveStatus>()(empty),
  'live:status': channel<LiveStatus>()(empty),
  /** The image open in the editor (null: none): Live predicts it after every round. */
  'live:focus': channel<null>()(z.object({ imageId: z.number().int().positive().nullable() })),
  // ---- review (issue 10): predictions as data, label-next queues ----
  /** Predicts images with a run's checkpoint (default: the newest run that has one); each stored prediction arrives as `predictions:saved`. */
  'predictions:start': channel<{ jobId: string; runId: number; images: number }>()(z.object({ runId: optionalRun, target: predictionTargetSchema })),
  'predictions:cancel': channel<{ cancelled: boolean }>()(z.object({ jobId: z.string() })),
  /** An image's stored prediction from `runId` (default: the newest run that predicted it); null when there is none. */
  'predictions:get': channel<StoredPrediction | null>()(z.object({ imageId: z.number().int().positive(), runId: optionalRun })),
  /** Every stored prediction of a run (default: the newest run with a checkpoint), agreement recomputed where labels changed since. */
  'predictions:list': channel<{ runId: number | null; predictions: PredictionSummary[] }>()(z.object({ runId: optionalRun })),
  /** A label-next queue of a run's predictions, best candidate first, each with the score it was ranked by. */
  'predictions:queue': channel<{ runId: number | null; entries: QueueEntry[] }>()(
    z.object({
      kind: z.enum(QUEUE_KINDS),
      by: z.enum(UNCERTAINTY_SCORES).default('entropy'),
      runId: optionalRun,
      limit: z.number().int().positive().max(100_000).default(1000),
    }),
  ),
  /** Marks an image whose label now holds an accepted prediction: "needs review" until marked done. */
  'predictions:accepted': channel<{ updated: number }>()(z.object({ imageId: z.number().int().positive() })),

  'ml:status': channel<MlStatus>()(empty),
  'ml:ping': channel<{ roundTripMs: number; pid: number }>()(empty),
} as const;

export type RendererContract = typeof rendererContract;
export type Channel = keyof RendererContract;
export type RequestOf<C extends Channel> = z.input<RendererContract[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<RendererContract[C]['request']>;
export type ReplyOf<C extends Channel> = RendererContract[C]['reply'];
export const CHANNELS = Object.keys(rendererContract) as Channel[];

/** Events the backend pushes to every renderer. */
export interface RendererEvents {
  'images:importProgress': ImportProgress;
  'images:importDone': { jobId: string; report: ImportReport };
  /** `ids`: only these images changed, and only in their labels (a client may refresh just their rows). */
  'images:changed': { reason: string; ids?: number[] };
  /** The class set changed; `classes`: all of it, as `classes:list` now gives it. */
  'classes:changed': { classes: LabelClass[] };
  /** The ML process's progress event, with the run it belongs to. */
  'runs:progress': TrainProgress & { jobId: string; runId: number | null };
  /** An epoch ended; `run`: the run's row as `runs:list` now gives it (lists patch it in place, nothing is reloaded). */
  'runs:epoch': Omit<RunEpochSummary, 'imagesPerSecond'> & { jobId: string; run: RunSummary | null };
  /** ImageNet weights being downloaded before a run starts (once; later runs use the cached file). */
  'runs:download': { jobId: string; bytes: number; total: number | null };
  /** `run`: the run's final row (null: the job ended before a run existed). */
  'runs:done': { jobId: string; runId: number | null; stoppedBy: StoppedBy | null; error: WireError | null; run: RunSummary | null };
  /** A run was deleted or evaluated (in any window): its summary or evaluation changed; `run`: its new row (null: deleted). */
  'runs:changed': { runId: number; reason: 'deleted' | 'evaluated'; run: RunSummary | null };
  'export:progress': ExportProgress;
  'export:done': { jobId: string; report: ExportReport | null; error: WireError | null };
  'ml:status': MlStatus;
  'live:status': LiveStatus;
  /** The open image predicted by the live model after a round. */
  'live:prediction': LivePrediction;
  'predictions:progress': { jobId: string; runId: number; done: number; total: number };
  /** One prediction stored: the event carries its numbers, so lists update in place. */
  'predictions:saved': { jobId: string; summary: PredictionSummary };
  'predictions:done': { jobId: string; runId: number; predicted: number; cancelled: boolean; error: WireError | null };
}
export type EventName = keyof RendererEvents;
export const EVENT_NAMES: EventName[] = [
  'images:importProgress',
  'images:importDone',
  'images:changed',
  'classes:changed',
  'export:progress',
  'export:done',
  'runs:progress',
  'runs:epoch',
  'runs:download',
  'runs:done',
  'runs:changed',
  'ml:status',
  'live:status',
  'live:prediction',
  'predictions:progress',
  'predictions:saved',
  'predictions:done',
];
