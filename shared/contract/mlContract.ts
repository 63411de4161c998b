/**
 * The contract between the backend and the ML process. Requests carry a sequence number and get
 * exactly one reply with the same number; events (progress, epochs, predictions, logs) carry the
 * job they belong to. The ML process never writes the database: the backend stores what it sends.
 */
import type { SegmentationMetrics } from '../metrics';
import type { LivePrediction } from '../domain/live';
import type { BackboneName, BackendPreference, StoppedBy, TrainProgress, TrainSettings, WeightsReport } from '../domain/training';

export { BACKBONES, type BackboneName, type BackendPreference, type HeadName, type WeightsReport } from '../domain/training';

/** One image for training or evaluation: its file, and its mask as stored (8-bit grey PNG of class values). */
export interface DatasetItem {
  imageId: number;
  path: string;
  maskPng: Uint8Array;
}

/** How images are scaled before the network sees them; predictions use the same rule. */
export interface InputScaling {
  /** Images are resized so their longer side is this many pixels (never enlarged). */
  longSide: number;
}

/** A Keras HDF5 file a new run starts from (the backend resolves `imagenet` to its downloaded file). */
export interface InitialWeights {
  source: 'imagenet' | 'file';
  path: string;
}

export interface TrainRequest {
  jobId: string;
  /** The run's settings: net, optimiser, epochs and/or minutes, scale, crop, augmentation. */
  settings: TrainSettings;
  /** Project class values in index order: network class i is mask value classValues[i]. */
  classValues: number[];
  /** Bytes of decoded images the ML process keeps in memory (absent = a quarter of RAM, at most 2 GiB). */
  sampleMemoryBytes?: number;
  train: DatasetItem[];
  val: DatasetItem[];
  /** checkpoints/<run>: `last/` when validated, `best/` when val mean IU improves. */
  checkpointDir: string;
  /** Continue from `last/` of checkpointDir, whose manifest holds the finished epoch. */
  resume: { epoch: number; bestMeanIoU: number | null } | null;
  /** Backbone weights for a new run (ignored on resume: the checkpoint has them). */
  initialWeights?: InitialWeights | null;
}

export interface TrainResult {
  epochs: number;
  cancelled: boolean;
  stoppedBy: StoppedBy;
}

export interface PredictRequest {
  jobId: string;
  checkpoint: string;
  backend: BackendPreference;
  classValues: number[];
  scaling: InputScaling;
  items: Array<{ imageId: number; path: string }>;
}

/** One image as the live trainer keeps it: its file, its current mask, and that mask's label version. */
export interface LiveItem extends DatasetItem {
  version: number;
  split: 'train' | 'val';
}

export interface LiveFocus {
  imageId: number;
  path: string;
}

/** A live run: trains on every labeled pixel of the train split in short rounds, predicting the focus image after each. */
export interface LiveRequest {
  jobId: string;
  /** Net, optimiser, scale, crop, batch and seed, resolved as for any run (epochs and minutes do not apply). */
  settings: TrainSettings;
  classValues: number[];
  items: LiveItem[];
  focus: LiveFocus | null;
  /** checkpoints/<run>: `last/` and `best/` as explicit runs write them. */
  checkpointDir: string;
  /** Start from this checkpoint's weights (a live run continued after an explicit run took the ML process). */
  startFrom: string | null;
  /** Rounds already done by this run (rounds continue counting after a resume). */
  startRound: number;
  initialWeights?: InitialWeights | null;
  /** Seconds of training per round before the focus image is predicted again. */
  roundSeconds: number;
  /** Validation on val and a checkpoint at most this often (seconds), and at the end. */
  checkpointSeconds: number;
  /** Seconds the train labels must rest before Live retrains a fresh model on all of them (default LIVE_CONSOLIDATE_SECONDS; 0: never). */
  consolidateSeconds?: number;
}

export interface LiveResult {
  rounds: number;
  steps: number;
}

export interface LiveUpdate {
  jobId: string;
  /** Images whose labels (or split) changed; an item replaces the image's mask where the store has it. */
  upsert: LiveItem[];
  /** Images no longer trained or validated on (labels cleared, split changed to test or none). */
  remove: number[];
}

/** After each live round: what the model has learned from. */
export interface LiveRoundEvent {
  type: 'live-round';
  jobId: string;
  round: number;
  steps: number;
  loss: number;
  seconds: number;
  trainImages: number;
  labeledPixels: number;
  /** Seconds a fresh model has trained on all the labels while the overlay stays the previous model's; null: not consolidating. */
  consolidatingSeconds: number | null;
  numTensors: number;
  memoryBytes: number;
}

/**
 * The focus image predicted after a live round, as the ML process sends it: mask and confidence at
 * training scale (width × height); the backend scales them to the image's size and adds the run id.
 */
export type LivePredictionEvent = { type: 'live-prediction'; jobId: string } & Omit<LivePrediction, 'runId'>;

export interface MlRequests {
  ping: { request: Record<string, never>; reply: { pid: number; uptimeS: number; node: string } };
  train: { request: TrainRequest; reply: TrainResult };
  predict: { request: PredictRequest; reply: { predicted: number } };
  cancel: { request: { jobId: string }; reply: { cancelled: boolean } };
  /** Checks a Keras HDF5 file against a backbone's layer names and shapes without reading its values. */
  inspectWeights: { request: { path: string; backbone: BackboneName }; reply: WeightsReport };
  /** Writes a checkpoint as a TF.js graph model (outDir/tfjs) and an ONNX model (outDir/onnx/model.onnx). */
  exportModel: {
    request: { checkpoint: string; outDir: string; classes: Array<{ value: number; name: string; color: string }> };
    reply: { epoch: number; files: string[] };
  };
  shutdown: { request: Record<string, never>; reply: null };
  // --- live training (issue 12) ---
  /** Trains in short rounds until cancelled; mask updates and the focus image arrive as liveUpdate/liveFocus. */
  live: { request: LiveRequest; reply: LiveResult };
  /** New or changed labels (and split moves) for a running live job, applied in place between steps. */
  liveUpdate: { request: LiveUpdate; reply: { train: number; val: number } };
  /** The image whose prediction follows each round (the editor's open image); null: none. */
  liveFocus: { request: { jobId: string; focus: LiveFocus | null }; reply: null };
  /** The user is painting (true) or stopped (false): a live job trains no step meanwhile, so the editor keeps the CPU. */
  livePainting: { request: { jobId: string; painting: boolean }; reply: null };
}
export type MlRequestType = keyof MlRequests;

export interface ProgressEvent extends TrainProgress {
  type: 'progress';
  jobId: string;
  /** Tensors alive in TF.js (a leak watch for tests; not shown). */
  numTensors: number;
}

export interface EpochEvent {
  type: 'epoch';
  jobId: string;
  epoch: number;
  trainLoss: number;
  seconds: number;
  imagesPerSecond: number;
  val: { meanLoss: number; metrics: SegmentationMetrics; confusion: number[][] } | null;
}

export type MlEventMessage =
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; jobId?: string }
  | { type: 'backend'; jobId: string; backend: string; reason: string }
  | ProgressEvent
  | EpochEvent
  | { type: 'checkpoint'; jobId: string; kind: 'best' | 'last'; epoch: number; path: string }
  /** Checkpoints of an epoch being written (active) or written (not): a cancel waits for them. */
  | { type: 'saving'; jobId: string; active: boolean }
  | PredictionEvent
  | LiveRoundEvent
  | LivePredictionEvent
  /** A live job's model began from Keras weights: what the file gave (stored with the run, as explicit runs store it). */
  | { type: 'live-weights'; jobId: string; report: WeightsReport };

/** One image predicted: full-resolution argmax (project class values) and 8-bit confidence, with its uncertainty. */
export interface PredictionEvent {
  type: 'prediction';
  jobId: string;
  imageId: number;
  width: number;
  height: number;
  mask: Uint8Array;
  /** Softmax probability of the predicted class × 255, rounded. */
  confidence: Uint8Array;
  /** Mean per-pixel softmax entropy (nats). */
  meanEntropy: number;
  /** Mean per-pixel margin between the two most probable classes (0..1; small = unsure). */
  meanMargin: number;
}

/** Requests that run as jobs (started, reporting events, cancellable, one result): MlSupervisor.runJob runs them all. */
export type MlJobType = 'train' | 'predict' | 'live';
/** The events each job type reports (besides logs and the backend it chose). */
interface JobEventTypes {
  train: 'progress' | 'epoch' | 'checkpoint';
  predict: 'prediction';
  live: 'live-round' | 'live-prediction' | 'live-weights' | 'epoch' | 'checkpoint';
}
export type MlJobEvent<T extends MlJobType> = Extract<MlEventMessage, { type: JobEventTypes[T] | 'log' | 'backend' }>;

export type MlRequestMessage = { seq: number; type: MlRequestType; payload: unknown };
export type MlReplyMessage = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: { code: string; message: string } };
export type MlMessage = MlReplyMessage | MlEventMessage;

export function isReply(message: MlMessage): message is MlReplyMessage {
  return 'seq' in message;
}
