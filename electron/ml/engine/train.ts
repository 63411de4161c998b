import * as tf from '@tensorflow/tfjs-core';

import {
  type ConfusionMatrix,
  type SegmentationMetrics,
  accumulateConfusion,
  createConfusionMatrix,
  segmentationMetrics,
} from '../../../shared/metrics';
import { resizeNearest } from '../../../shared/mask/resizeNearest';
import { IGNORE_INDEX, softmaxCrossEntropyIgnore } from './loss';
import { LeanAdam } from './optimizers';
import { type FcnModel, outputSize } from './model/fcn';
import type { Batch, BatchSource, EpochResult, OptimizerConfig, TrainProgress } from './types';

/** Adam (β 0.9/0.999, ε 1e-8, as PyTorch) or SGD with momentum. */
export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  if (config.name === 'adam') return new LeanAdam(config.learningRate, 0.9, 0.999, 1e-8);
  if (config.name === 'sgd') return tf.train.momentum(config.learningRate, config.momentum ?? 0.9);
  throw new Error(`unknown optimizer ${String((config as { name: unknown }).name)}`);
}

/** Sets the learning rate of an optimizer made by createOptimizer (for schedules). */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}

/** The wasm backend lives in a 32-bit address space: 4 GB for weights, Adam slots, XNNPACK's packed copies and activations. */
const WASM_MEMORY_BYTES = 4 * 1024 ** 3;

/**
 * Rough peak bytes of one training step: weights, gradients, two Adam slots, the convolution
 * library's two cached copies of every filter (transposed + packed, alive until the weights
 * change), and the input gradient's flipped copy of the largest filter (fc6) with its own two
 * cached copies — about 8 copies of the weights. Measured: VGG16 FCN-8s (134 M) runs out of the
 * wasm heap even with LeanAdam.
 */
export function estimateTrainingBytes(model: FcnModel): number {
  return model.parameterCount() * 4 * 8;
}

/** Throws a clear error where a model cannot train on the active backend (instead of XNNPACK failing mid-step). */
export function assertTrainable(model: FcnModel): void {
  if (tf.getBackend() === 'wasm' && estimateTrainingBytes(model) > WASM_MEMORY_BYTES * 0.85) {
    throw new Error(
      `${model.config.head}/${model.config.backbone} (${(model.parameterCount() / 1e6).toFixed(0)} M parameters) needs about ` +
        `${(estimateTrainingBytes(model) / 1024 ** 3).toFixed(1)} GB to train, more than the wasm backend's 4 GB: ` +
        'use a GPU backend (webgpu, tensorflow) or a lighter backbone',
    );
  }
}

export interface StepOptions {
  /** Per-class loss weights (e.g. median-frequency); omitted = all ones. */
  classWeights?: tf.Tensor1D | null;
  /** Train only the head (score and upsampling layers): the first stage of a two-stage schedule. */
  freezeBackbone?: boolean;
  weightDecay?: number;
}

/**
 * The batch as tensors; with `padLabelsFor`, the labels at the size that head's network scores
 * before its crop (see outputSize), 255 past H × W, to score logits taken with forward's keepPadding.
 */
function batchTensors(batch: Batch, padLabelsFor?: FcnModel['config']['head']): { images: tf.Tensor4D; labels: tf.Tensor3D } {
  const { n, height, width } = batch;
  if (batch.images.length !== n * height * width * 3) throw new Error('batch.images is not N×H×W×3');
  if (batch.masks.length !== n * height * width) throw new Error('batch.masks is not N×H×W');
  const padded = padLabelsFor ? outputSize(padLabelsFor, height, width) : { height, width };
  let labels: Int32Array;
  if (padded.height === height && padded.width === width) {
    labels = Int32Array.from(batch.masks);
  } else {
    labels = new Int32Array(n * padded.height * padded.width).fill(IGNORE_INDEX);
    for (let row = 0; row < n * height; row++) {
      const image = Math.floor(row / height);
      const start = (image * padded.height + (row % height)) * padded.width;
      labels.set(batch.masks.subarray(row * width, (row + 1) * width), start);
    }
  }
  return {
    images: tf.tensor4d(batch.images, [n, height, width, 3], 'float32'),
    labels: tf.tensor3d(labels, [n, padded.height, padded.width], 'int32'),
  };
}

/**
 * One optimisation step: forward, loss, backward, update. Everything inside one tf.tidy, so only
 * the variables and the optimiser's slots survive it. Returns the loss.
 */
export async function trainStep(model: FcnModel, optimizer: tf.Optimizer, batch: Batch, options: StepOptions = {}): Promise<number> {
  assertTrainable(model);
  // The loss ignores the 255 labels past H × W: the same loss and gradients as on cropped logits.
  const { images, labels } = batchTensors(batch, model.config.head);
  const frozen = new Set(options.freezeBackbone ? model.backboneWeightNames() : []);
  const all = [...model.weights.entries()];
  const vars = all.filter(([name]) => !frozen.has(name)).map(([, v]) => v);
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => softmaxCrossEntropyIgnore(model.forward(images, true, true), labels, options.classWeights),
      vars,
    );
    const decay = options.weightDecay ?? 0;
    // TF.js optimisers match their slots to gradients by position, so every step hands over all
    // weights in the model's order; a frozen weight gets a zero gradient (and so no update).
    const ordered: tf.NamedTensorMap = {};
    for (const [name, v] of all) {
      if (frozen.has(name)) ordered[v.name] = tf.zerosLike(v);
      else ordered[v.name] = decay > 0 ? tf.add(grads[v.name], tf.mul(v, decay)) : grads[v.name];
    }
    optimizer.applyGradients(ordered);
    return value;
  });
  images.dispose();
  labels.dispose();
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}

export interface TrainEpochOptions extends StepOptions {
  epoch: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** Called before each step (a learning-rate schedule that follows steps or time). */
  beforeStep?: () => void;
  /** Asked after each step: true ends the epoch there (a spent time budget), not as a cancel. */
  stopAfterStep?: () => boolean;
}

/**
 * One pass over the source's batches for `epoch`; stops between steps when `signal` aborts
 * (cancelled) or `stopAfterStep` says so (ended early: `steps` tells how far it got).
 */
export async function trainEpoch(
  model: FcnModel,
  optimizer: tf.Optimizer,
  source: BatchSource,
  options: TrainEpochOptions,
): Promise<EpochResult> {
  const start = performance.now();
  let steps = 0;
  let images = 0;
  let lossSum = 0;
  let cancelled = false;
  const stepsPerEpoch = source.batchesPerEpoch ?? null;
  const iterator = iterate(source.batches(options.epoch));
  let next: Promise<IteratorResult<Batch>> | IteratorResult<Batch> = iterator.next();
  try {
    for (;;) {
      const item = await next;
      if (item.done) break;
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      const batch = item.value;
      options.beforeStep?.();
      // trainStep queues the whole step before its first await; asking for the next batch here
      // lets the data pipeline prepare it while a GPU backend computes this one.
      const stepDone = trainStep(model, optimizer, batch, options);
      next = iterator.next();
      const loss = await stepDone;
      // Let the process read its messages (cancel, health pings) between steps: on wasm and cpu
      // every await above settles without returning to the event loop.
      await yieldToEventLoop();
      steps += 1;
      images += batch.n;
      lossSum += loss;
      if (options.onProgress) {
        const seconds = (performance.now() - start) / 1000;
        const mem = tf.memory();
        options.onProgress({
          type: 'progress',
          epoch: options.epoch,
          step: steps,
          stepsPerEpoch,
          globalStep: optimizerStep(optimizer),
          loss,
          meanLoss: lossSum / steps,
          imagesPerSecond: images / Math.max(seconds, 1e-9),
          etaSeconds: stepsPerEpoch === null ? null : Math.max(0, ((stepsPerEpoch - steps) * seconds) / steps),
          numTensors: mem.numTensors,
          numBytes: mem.numBytes,
        });
      }
      if (options.stopAfterStep?.()) break;
    }
  } finally {
    // A prefetched batch that is not used (cancel, error) is dropped, and the source closed.
    await Promise.resolve(next).catch(() => undefined);
    await iterator.return?.();
  }
  if (options.signal?.aborted) cancelled = true;
  return {
    epoch: options.epoch,
    steps,
    images,
    meanLoss: steps > 0 ? lossSum / steps : Number.NaN,
    seconds: (performance.now() - start) / 1000,
    cancelled,
  };
}

/** Lets pending I/O callbacks (IPC messages) run; microseconds. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** One iterator over a source's batches, whether it yields them synchronously or not. */
function iterate(batches: AsyncIterable<Batch> | Iterable<Batch>): AsyncIterator<Batch> | Iterator<Batch> {
  return Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
}

function optimizerStep(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { iterations_?: number }).iterations_ ?? 0;
}

export interface EvaluateResult {
  confusion: ConfusionMatrix;
  metrics: SegmentationMetrics;
  meanLoss: number;
  images: number;
}

/** Runs the model over every batch (no dropout) and scores argmax predictions against the masks. */
export async function evaluate(model: FcnModel, source: BatchSource, options: { epoch?: number; signal?: AbortSignal } = {}): Promise<EvaluateResult> {
  const confusion = createConfusionMatrix(model.config.numClasses);
  let lossSum = 0;
  let images = 0;
  for await (const batch of source.batches(options.epoch ?? 0)) {
    if (options.signal?.aborted) break;
    const { images: x, labels } = batchTensors(batch);
    const [predT, lossT] = tf.tidy(() => {
      const logits = model.forward(x, false);
      return [tf.argMax(logits, -1), softmaxCrossEntropyIgnore(logits, labels)];
    });
    const [pred, loss] = await Promise.all([predT.data(), lossT.data()]);
    tf.dispose([x, labels, predT, lossT]);
    accumulateConfusion(confusion, batch.masks, pred);
    await yieldToEventLoop();
    // Each image weighs the same whatever the batching (a batch's loss is its pixels' mean).
    lossSum += loss[0] * batch.n;
    images += batch.n;
  }
  return { confusion, metrics: segmentationMetrics(confusion), meanLoss: images ? lossSum / images : Number.NaN, images };
}

export interface Prediction {
  width: number;
  height: number;
  /** Argmax class per pixel. */
  mask: Uint8Array;
  /** Softmax probability of the chosen class per pixel. */
  confidence: Float32Array;
  /** Mean per-pixel entropy of the softmax (nats): the "most uncertain" ranking. */
  meanEntropy: number;
  /** Mean difference between the two highest softmax probabilities (0..1; small = the model hesitates). */
  meanMargin: number;
}

export interface PredictOptions {
  /** Images with more pixels than this are predicted tile by tile (default 2048×2048). */
  maxPixels?: number;
  /** Tile side in pixels, a multiple of 32 (default 1024). */
  tileSize?: number;
  /** Overlap between neighbouring tiles; each pixel is taken from the tile where it is most central (default 128). */
  overlap?: number;
  /**
   * Computes the logits in another runtime (ONNX Runtime on CPUs) instead of model.forward; the
   * same tiling, argmax, confidence and entropy follow.
   */
  forward?: LogitsForward;
  /**
   * The size to predict at when the image was scaled for the network (its original size): the
   * logits are upsampled bilinearly before the argmax, so edges fall between the network's pixels
   * rather than on a blocky nearest-neighbour grid. Absent: the image's own size.
   */
  outputSize?: { width: number; height: number };
}

/**
 * Logits [N, H, W, C] (NHWC, flat) of RGB 0..255 images [N, H, W, 3] of any size, handed to `use`
 * and valid only during that call (ONNX Runtime's own output buffer: no 11 MB copy per 2×256²
 * forward, about a tenth of its time); `use`'s result is returned.
 */
export type LogitsForward = <T>(images: Float32Array, n: number, height: number, width: number, use: (logits: Float32Array) => T) => Promise<T>;

interface Scores {
  mask: Uint8Array;
  confidence: Float32Array;
  entropy: Float32Array;
  /** The two highest softmax probabilities' difference. */
  margin: Float32Array;
}

/** Argmax, its softmax probability, the softmax entropy (nats) and the top-two margin of the logits at `o`, written at pixel p. */
function scoreInto(logits: ArrayLike<number>, o: number, classes: number, out: Scores, p: number): void {
  let best = 0;
  let max = logits[o];
  let second = -Infinity;
  for (let c = 1; c < classes; c++) {
    if (logits[o + c] > max) {
      second = max;
      max = logits[o + c];
      best = c;
    } else if (logits[o + c] > second) second = logits[o + c];
  }
  // With z = Σ exp(x − max): p_c = exp(x_c − max)/z, H = log z − Σ p_c (x_c − max).
  let z = 0;
  let weighted = 0;
  for (let c = 0; c < classes; c++) {
    const d = logits[o + c] - max;
    const e = Math.exp(d);
    z += e;
    weighted += e * d;
  }
  out.mask[p] = best;
  out.confidence[p] = 1 / z;
  out.entropy[p] = Math.log(z) - weighted / z;
  out.margin[p] = (1 - Math.exp(second - max)) / z;
}

function allocateScores(pixels: number): Scores {
  return { mask: new Uint8Array(pixels), confidence: new Float32Array(pixels), entropy: new Float32Array(pixels), margin: new Float32Array(pixels) };
}

/** Argmax, confidence, entropy and margin of each pixel's logits, in place of the tf ops. */
function scoreLogits(logits: Float32Array, classes: number): Scores {
  const pixels = logits.length / classes;
  const out = allocateScores(pixels);
  for (let p = 0; p < pixels; p++) scoreInto(logits, p * classes, classes, out, p);
  return out;
}

/** Source coordinate, its lower neighbour and weight for each output position (half-pixel centres, as PyTorch's align_corners=False). */
function bilinearTaps(size: number, outSize: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.min(Math.max(((d + 0.5) * size) / outSize - 0.5, 0), size - 1);
    i0[d] = Math.floor(src);
    i1[d] = Math.min(i0[d] + 1, size - 1);
    w[d] = src - i0[d];
  }
  return { i0, i1, w };
}

/**
 * Scores logits [h, w, C] at another size: each output pixel's logits are the bilinear blend of the
 * four nearest, then argmax, confidence and entropy. Row by row, so the full-size logits (C floats
 * a pixel) never exist at once.
 */
export function scoreLogitsResized(logits: Float32Array, width: number, height: number, classes: number, outWidth: number, outHeight: number): Scores {
  const out = allocateScores(outWidth * outHeight);
  const xs = bilinearTaps(width, outWidth);
  const ys = bilinearTaps(height, outHeight);
  const pixel = new Float32Array(classes);
  for (let y = 0; y < outHeight; y++) {
    const r0 = ys.i0[y] * width;
    const r1 = ys.i1[y] * width;
    const wy = ys.w[y];
    for (let x = 0; x < outWidth; x++) {
      const wx = xs.w[x];
      const a = (r0 + xs.i0[x]) * classes;
      const b = (r0 + xs.i1[x]) * classes;
      const c = (r1 + xs.i0[x]) * classes;
      const d = (r1 + xs.i1[x]) * classes;
      for (let k = 0; k < classes; k++) {
        const top = logits[a + k] + (logits[b + k] - logits[a + k]) * wx;
        const bottom = logits[c + k] + (logits[d + k] - logits[c + k]) * wx;
        pixel[k] = top + (bottom - top) * wy;
      }
      scoreInto(pixel, 0, classes, out, y * outWidth + x);
    }
  }
  return out;
}

/** Tile origins covering `length` with tiles of `tile` overlapping by at least `overlap`. */
function tileStarts(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const starts: number[] = [];
  for (let s = 0; ; s += tile - overlap) {
    if (s + tile >= length) {
      starts.push(length - tile);
      break;
    }
    starts.push(s);
  }
  return starts;
}

/** The model's logits [H, W, C] for one image, read back. */
async function modelLogits(model: FcnModel, image: { data: Float32Array; width: number; height: number }): Promise<Float32Array> {
  const x = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32');
  const logits = tf.tidy(() => model.forward(x, false));
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    tf.dispose([x, logits]);
  }
}

/**
 * Full-resolution prediction for one RGB 0..255 image (HWC float32); any size, padded and cropped
 * inside; very large images go tile by tile with overlap, so memory stays bounded.
 */
export async function predict(
  model: FcnModel,
  image: { data: Float32Array; width: number; height: number },
  options: PredictOptions = {},
): Promise<Prediction> {
  const { width, height } = image;
  const maxPixels = options.maxPixels ?? 2048 * 2048;
  const out = options.outputSize;
  if (out && (out.width !== width || out.height !== height)) {
    if (width * height > maxPixels) {
      // Too large for one pass even at the network's scale: tiles at that scale, brought to size by nearest neighbour.
      const p = await predict(model, image, { ...options, outputSize: undefined });
      const resize = <T extends Uint8Array | Float32Array>(a: T) => resizeNearest(a, width, height, out.width, out.height);
      return { ...p, width: out.width, height: out.height, mask: resize(p.mask), confidence: resize(p.confidence) };
    }
    const score = (logits: Float32Array) => scoreLogitsResized(logits, width, height, model.config.numClasses, out.width, out.height);
    const scored = options.forward ? await options.forward(image.data, 1, height, width, score) : score(await modelLogits(model, image));
    const mean = (a: Float32Array) => a.reduce((sum, v) => sum + v, 0) / Math.max(1, a.length);
    return { width: out.width, height: out.height, mask: scored.mask, confidence: scored.confidence, meanEntropy: mean(scored.entropy), meanMargin: mean(scored.margin) };
  }
  const tile = Math.max(32, Math.floor((options.tileSize ?? 1024) / 32) * 32);
  const overlap = Math.min(options.overlap ?? 128, tile / 2);
  const mask = new Uint8Array(width * height);
  const confidence = new Float32Array(width * height);
  let entropySum = 0;
  let marginSum = 0;
  const ys = width * height <= maxPixels ? [0] : tileStarts(height, tile, overlap);
  const xs = width * height <= maxPixels ? [0] : tileStarts(width, tile, overlap);
  const th = ys.length === 1 ? height : tile;
  const tw = xs.length === 1 ? width : tile;
  // Each pixel comes from the tile whose core holds it; cores meet halfway through each overlap.
  const cores = (starts: number[], size: number, total: number) =>
    starts.map((s, i) => [
      i === 0 ? 0 : Math.floor((s + starts[i - 1] + size) / 2),
      i === starts.length - 1 ? total : Math.floor((starts[i + 1] + s + size) / 2),
    ]);
  const yCores = cores(ys, th, height);
  const xCores = cores(xs, tw, width);
  for (let iy = 0; iy < ys.length; iy++) {
    for (let ix = 0; ix < xs.length; ix++) {
      const y0 = ys[iy];
      const x0 = xs[ix];
      const crop = ys.length === 1 && xs.length === 1 ? image.data : new Float32Array(th * tw * 3);
      if (crop !== image.data) {
        for (let y = 0; y < th; y++) crop.set(image.data.subarray(((y0 + y) * width + x0) * 3, ((y0 + y) * width + x0 + tw) * 3), y * tw * 3);
      }
      let m: ArrayLike<number>;
      let c: ArrayLike<number>;
      let e: ArrayLike<number>;
      let g: ArrayLike<number>;
      if (options.forward) {
        const scored = await options.forward(crop, 1, th, tw, (logits) => scoreLogits(logits, model.config.numClasses));
        [m, c, e, g] = [scored.mask, scored.confidence, scored.entropy, scored.margin];
      } else {
        const x = tf.tensor4d(crop, [1, th, tw, 3], 'float32');
        const [maskT, confT, entT, marginT] = tf.tidy(() => {
          const logits = model.forward(x, false);
          const logp = tf.logSoftmax(logits, -1);
          const p = tf.exp(logp);
          const top2 = tf.topk(p, Math.min(2, model.config.numClasses)).values;
          const gap = model.config.numClasses < 2 ? tf.onesLike(tf.max(p, -1)) : tf.sub(top2.slice([0, 0, 0, 0], [-1, -1, -1, 1]), top2.slice([0, 0, 0, 1], [-1, -1, -1, 1])).squeeze([-1]);
          return [tf.argMax(logits, -1), tf.max(p, -1), tf.neg(tf.sum(tf.mul(p, logp), -1)), gap];
        });
        [m, c, e, g] = await Promise.all([maskT.data(), confT.data(), entT.data(), marginT.data()]);
        tf.dispose([x, maskT, confT, entT, marginT]);
      }
      const [cy0, cy1] = yCores[iy];
      const [cx0, cx1] = xCores[ix];
      for (let y = cy0; y < cy1; y++) {
        for (let xx = cx0; xx < cx1; xx++) {
          const src = (y - y0) * tw + (xx - x0);
          const dst = y * width + xx;
          mask[dst] = m[src];
          confidence[dst] = c[src];
          entropySum += e[src];
          marginSum += g[src];
        }
      }
    }
  }
  const pixels = Math.max(1, width * height);
  return { width, height, mask, confidence, meanEntropy: entropySum / pixels, meanMargin: marginSum / pixels };
}
