import { openImageFile } from '../imaging/imageReader';
import type { DatasetItem, InputScaling } from '../../shared/contract/mlContract';
import { decodeMaskPng } from '../../shared/mask/maskPng';
import type { Batch, BatchSource } from './engine';
import { mulberry32 } from '../../shared/random';
import { resizeNearest } from '../../shared/mask/resizeNearest';

export { resizeNearest };

/** An image at training scale: RGB bytes (HWC) and network class indices (255 = ignore). */
export interface Sample {
  imageId: number;
  width: number;
  height: number;
  rgb: Uint8Array;
  labels: Uint8Array;
}

const IGNORE = 255;

/** Decodes an image at the scale the network works at (longer side `longSide`, never enlarged). */
export async function decodeScaled(path: string, scaling: InputScaling): Promise<{ rgb: Uint8Array; width: number; height: number; fullWidth: number; fullHeight: number }> {
  // The one decoder import, the editor and export use too: every format import accepts trains.
  const { image, width: fullWidth, height: fullHeight } = await openImageFile(path);
  const { data, info } = await image
    .rotate()
    .resize({ width: scaling.longSide, height: scaling.longSide, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path}: expected RGB after decoding, got ${info.channels} channels`);
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, fullWidth, fullHeight };
}

/**
 * Shrinks a label raster so that sparse labels survive: each output pixel takes the most frequent
 * label among the labeled source pixels of its block, and is `ignore` only where its block has
 * none. A 1-px brush stroke therefore stays a connected stroke at half scale, where nearest
 * neighbour would keep every other pixel of it at best. Not shrinking: nearest neighbour.
 */
export function downscaleLabels(src: Uint8Array, sw: number, sh: number, dw: number, dh: number, ignore = IGNORE): Uint8Array {
  if (dw >= sw && dh >= sh) return resizeNearest(src, sw, sh, dw, dh);
  if (sw === 2 * dw && sh === 2 * dh) return halveLabels(src, sw, dw, dh, ignore);
  const out = new Uint8Array(dw * dh);
  const counts = new Uint32Array(256);
  const seen: number[] = [];
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor((y * sh) / dh);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * sh) / dh));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor((x * sw) / dw);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * sw) / dw));
      // Most blocks of a dense mask hold one value: settle those without counting (counting
      // every block made loading CamVid's masks about 15× slower than nearest neighbour).
      const first = src[y0 * sw + x0];
      let uniform = true;
      for (let sy = y0; sy < y1 && uniform; sy++) {
        for (let sx = sy * sw + x0, end = sy * sw + x1; sx < end; sx++) {
          if (src[sx] !== first) {
            uniform = false;
            break;
          }
        }
      }
      if (uniform) {
        out[y * dw + x] = first;
        continue;
      }
      let best = ignore;
      let bestCount = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = sy * sw + x0, end = sy * sw + x1; sx < end; sx++) {
          const v = src[sx];
          if (v === ignore) continue;
          if (counts[v]++ === 0) seen.push(v);
          // A tie goes to the label that reached the count first: deterministic.
          if (counts[v] > bestCount) {
            bestCount = counts[v];
            best = v;
          }
        }
      }
      out[y * dw + x] = best;
      for (const v of seen) counts[v] = 0;
      seen.length = 0;
    }
  }
  return out;
}

/**
 * downscaleLabels for exactly half the size (the default training scale of larger frames): each
 * output pixel from its 2×2 block, the same rule (the most frequent labeled value, a tie to the
 * first in row order, ignore only where all four are), without a count table.
 */
function halveLabels(src: Uint8Array, sw: number, dw: number, dh: number, ignore: number): Uint8Array {
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    let top = 2 * y * sw;
    let o = y * dw;
    for (let x = 0; x < dw; x++, top += 2, o++) {
      const a = src[top];
      const b = src[top + 1];
      const c = src[top + sw];
      const d = src[top + sw + 1];
      if (a === b && b === c && c === d) {
        out[o] = a;
        continue;
      }
      // Votes of each labeled value in row order; the first to reach the highest count wins.
      let best = ignore;
      let bestCount = 0;
      const block = [a, b, c, d];
      for (let i = 0; i < 4; i++) {
        const v = block[i];
        if (v === ignore) continue;
        let count = 0;
        for (let j = 0; j <= i; j++) if (block[j] === v) count++;
        if (count > bestCount) {
          bestCount = count;
          best = v;
        }
      }
      out[o] = best;
    }
  }
  return out;
}

export async function loadSample(item: DatasetItem, scaling: InputScaling, lut: Uint8Array): Promise<Sample> {
  const image = await decodeScaled(item.path, scaling);
  const mask = decodeMaskPng(item.maskPng);
  if (mask.width !== image.fullWidth || mask.height !== image.fullHeight) {
    throw new Error(`${item.path}: mask is ${mask.width}×${mask.height}, image ${image.fullWidth}×${image.fullHeight}`);
  }
  const scaled = downscaleLabels(mask.values, mask.width, mask.height, image.width, image.height);
  const labels = new Uint8Array(scaled.length);
  for (let i = 0; i < scaled.length; i++) labels[i] = lut[scaled[i]];
  return { imageId: item.imageId, width: image.width, height: image.height, rgb: image.rgb, labels };
}

/** Bytes a decoded sample holds (RGB plus labels). */
function sampleBytes(s: Sample): number {
  return s.rgb.byteLength + s.labels.byteLength;
}

/**
 * The decoded samples of one split, held in memory up to a byte budget. A dataset that fits (the
 * usual case at training scale) is decoded once and kept; a larger one keeps the most recently
 * used samples and decodes the rest as batches ask for them (sharp decodes on its own threads,
 * and the sources below ask one batch ahead), so memory stays bounded however many images there are.
 */
export class SampleStore {
  private readonly cache = new Map<number, Sample>();
  private readonly loading = new Map<number, Promise<Sample>>();
  private bytes = 0;

  constructor(
    private readonly items: DatasetItem[],
    private readonly scaling: InputScaling,
    private readonly lut: Uint8Array,
    readonly budgetBytes: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Samples kept in memory now. */
  get cachedCount(): number {
    return this.cache.size;
  }

  /** Whether every sample is in memory (nothing is decoded again). */
  get complete(): boolean {
    return this.cache.size === this.items.length;
  }

  /** Decodes samples in order, a few at a time, until all are in memory or the budget is used. */
  async warm(concurrency = 4): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.items.length && this.bytes < this.budgetBytes) await this.get(next++);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Sample i (decoding it when it is not in memory). Concurrent requests share one decode. */
  async get(i: number): Promise<Sample> {
    const hit = this.cache.get(i);
    if (hit) {
      // Map order is the LRU order: move the hit to the young end.
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    let pending = this.loading.get(i);
    if (!pending) {
      pending = loadSample(this.items[i], this.scaling, this.lut)
        .then((sample) => {
          this.keep(i, sample);
          return sample;
        })
        .finally(() => this.loading.delete(i));
      this.loading.set(i, pending);
    }
    return pending;
  }

  private keep(i: number, sample: Sample): void {
    if (this.cache.has(i)) return;
    this.cache.set(i, sample);
    this.bytes += sampleBytes(sample);
    for (const [key, old] of this.cache) {
      if (this.bytes <= this.budgetBytes || key === i) break;
      this.cache.delete(key);
      this.bytes -= sampleBytes(old);
    }
  }
}

/**
 * Default memory for decoded samples: a quarter of the machine's memory, at most 2 GiB (the ML
 * process also holds the compute backend's heap, up to 4 GB on wasm).
 */
export function defaultSampleBudget(totalMemory: number): number {
  return Math.min(2 * 1024 ** 3, Math.floor(totalMemory / 4));
}

/** Starts fetching the samples of each group one group ahead of the one being used. */
async function* fetchAhead(samples: SampleStore, groups: number[][]): AsyncGenerator<Sample[]> {
  const fetch = (ids: number[]) => Promise.all(ids.map((id) => samples.get(id)));
  let pending = groups.length ? fetch(groups[0]) : null;
  for (let g = 0; g < groups.length; g++) {
    const current = await pending!;
    pending = g + 1 < groups.length ? fetch(groups[g + 1]) : null;
    // An unused prefetch must not surface as an unhandled rejection when the consumer stops early.
    pending?.catch(() => undefined);
    yield current;
  }
}

export interface AugmentOptions {
  batch: number;
  crop: number;
  seed: number;
  /** Random scale range (torchvision's references use 0.5–2.0 for VOC; milder suits small sets). */
  minScale?: number;
  maxScale?: number;
  flip?: boolean;
  /**
   * Colour jitter strength j: brightness, contrast and saturation each scaled by a factor drawn
   * from [1 − j, 1 + j] per sample (torchvision's ColorJitter); 0 (default) = off.
   */
  colorJitter?: number;
}

/**
 * Training batches: each sample a random scale, a random crop window, a random horizontal flip
 * (and optional colour jitter), resampled to crop×crop (bilinear image, nearest labels, 255
 * outside the image). Seeded by (seed, epoch), so a resumed epoch sees exactly the batches it
 * would have seen. The next batch's samples are fetched while the current one trains.
 */
export function trainSource(samples: SampleStore, options: AugmentOptions): BatchSource {
  const { batch, crop } = options;
  const count = samples.size;
  return {
    batchesPerEpoch: Math.ceil(count / batch),
    async *batches(epoch: number): AsyncIterable<Batch> {
      const random = mulberry32(options.seed * 7919 + epoch);
      const order = Array.from({ length: count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const groups: number[][] = [];
      for (let start = 0; start < order.length; start += batch) groups.push(order.slice(start, start + batch));
      for await (const group of fetchAhead(samples, groups)) {
        const images = new Float32Array(group.length * crop * crop * 3);
        const masks = new Uint8Array(group.length * crop * crop);
        group.forEach((sample, k) => {
          const image = images.subarray(k * crop * crop * 3, (k + 1) * crop * crop * 3);
          augmentInto(sample, options, random, image, masks.subarray(k * crop * crop));
          if (options.colorJitter) jitterColours(image, options.colorJitter, random);
        });
        yield { images, masks, n: group.length, height: crop, width: crop };
      }
    },
  };
}

/**
 * Brightness, contrast (around the crop's mean grey) and saturation (around each pixel's grey),
 * in torchvision's order, clamped to 0..255. Draws its three factors from `random` only when
 * jitter is on, so batches without jitter are exactly those of earlier versions.
 */
export function jitterColours(image: Float32Array, strength: number, random: () => number): void {
  const factor = () => 1 - strength + 2 * strength * random();
  const brightness = factor();
  const contrast = factor();
  const saturation = factor();
  const pixels = image.length / 3;
  let greySum = 0;
  for (let p = 0; p < image.length; p += 3) {
    for (let c = 0; c < 3; c++) image[p + c] = Math.min(255, image[p + c] * brightness);
    greySum += 0.299 * image[p] + 0.587 * image[p + 1] + 0.114 * image[p + 2];
  }
  const meanGrey = greySum / Math.max(1, pixels);
  for (let p = 0; p < image.length; p += 3) {
    for (let c = 0; c < 3; c++) image[p + c] = Math.min(255, Math.max(0, meanGrey + (image[p + c] - meanGrey) * contrast));
    const grey = 0.299 * image[p] + 0.587 * image[p + 1] + 0.114 * image[p + 2];
    for (let c = 0; c < 3; c++) image[p + c] = Math.min(255, Math.max(0, grey + (image[p + c] - grey) * saturation));
  }
}

/** One explicit-training sample: random scale, window and flip over the whole image (Live's ordinary crops too). */
export function augmentInto(s: Sample, o: AugmentOptions, random: () => number, image: Float32Array, mask: Uint8Array): void {
  const { crop } = o;
  const scale = (o.minScale ?? 0.75) + random() * ((o.maxScale ?? 1.25) - (o.minScale ?? 0.75));
  const window = crop / scale; // source pixels the crop covers
  const x0 = s.width > window ? random() * (s.width - window) : (s.width - window) / 2;
  const y0 = s.height > window ? random() * (s.height - window) : (s.height - window) / 2;
  const flip = (o.flip ?? true) && random() < 0.5;
  sampleWindow(s, x0, y0, window, flip, crop, image, mask);
}

/**
 * Resamples the source window (x0, y0, side `window`, optionally mirrored) into a crop×crop sample:
 * bilinear image, nearest labels, unlabeled and black where the window leaves the image.
 */
export function sampleWindow(
  s: Pick<Sample, 'width' | 'height' | 'rgb' | 'labels'>,
  x0: number,
  y0: number,
  window: number,
  flip: boolean,
  crop: number,
  image: Float32Array,
  mask: Uint8Array,
): void {
  const { width, height, rgb, labels } = s;
  const step = window / crop;
  // Where each output column reads, computed once per crop rather than once per pixel (a batch of
  // Live's crops is drawn on the training thread between steps): the nearest source column (−1:
  // outside), the two bilinear neighbours' offsets and the weight of the right one.
  const nearX = new Int32Array(crop);
  const left = new Int32Array(crop);
  const right = new Int32Array(crop);
  const weightX = new Float64Array(crop);
  for (let x = 0; x < crop; x++) {
    const sx = x0 + ((flip ? crop - 1 - x : x) + 0.5) * step - 0.5;
    const nx = Math.round(sx);
    nearX[x] = nx < 0 || nx >= width ? -1 : nx;
    const fx = Math.min(Math.max(sx, 0), width - 1);
    const ix = Math.floor(fx);
    left[x] = ix * 3;
    right[x] = Math.min(ix + 1, width - 1) * 3;
    weightX[x] = fx - ix;
  }
  for (let y = 0; y < crop; y++) {
    const sy = y0 + (y + 0.5) * step - 0.5;
    const ny = Math.round(sy);
    const rowOut = y * crop;
    if (ny < 0 || ny >= height) {
      mask.fill(IGNORE, rowOut, rowOut + crop);
      image.fill(0, rowOut * 3, (rowOut + crop) * 3);
      continue;
    }
    const fy = Math.min(Math.max(sy, 0), height - 1);
    const iy = Math.floor(fy);
    const ay = fy - iy;
    const top = iy * width * 3;
    const bottom = Math.min(iy + 1, height - 1) * width * 3;
    const labelRow = ny * width;
    for (let x = 0; x < crop; x++) {
      const o3 = (rowOut + x) * 3;
      const nx = nearX[x];
      if (nx < 0) {
        mask[rowOut + x] = IGNORE;
        image[o3] = image[o3 + 1] = image[o3 + 2] = 0;
        continue;
      }
      mask[rowOut + x] = labels[labelRow + nx];
      const ax = weightX[x];
      const l = left[x];
      const r = right[x];
      for (let c = 0; c < 3; c++) {
        image[o3 + c] = (rgb[top + l + c] * (1 - ax) + rgb[top + r + c] * ax) * (1 - ay) + (rgb[bottom + l + c] * (1 - ax) + rgb[bottom + r + c] * ax) * ay;
      }
    }
  }
}

/** Most pixels in one validation batch (at least one image): memory stays bounded for large images. */
const EVAL_BATCH_PIXELS = 1_000_000;

/**
 * Validation batches: whole images at training scale, up to `batchSize` consecutive images of one
 * size together (on wasm a batch of 8 CamVid frames forwards about 1.7× faster per image than one
 * at a time, and validation is a fixed cost of every run), the next image fetched ahead.
 */
export function evalSource(samples: SampleStore, batchSize = 8): BatchSource {
  const count = samples.size;
  return {
    async *batches(): AsyncIterable<Batch> {
      const groups = Array.from({ length: count }, (_, i) => [i]);
      async function* singles(): AsyncGenerator<Sample> {
        for await (const [s] of fetchAhead(samples, groups)) yield s;
      }
      yield* wholeImageBatches(singles(), batchSize);
    },
  };
}

/**
 * Whole images at training scale in batches of up to `batchSize` consecutive images of one size
 * (at most EVAL_BATCH_PIXELS pixels a batch): validation's batches, for a split held in a
 * SampleStore or (Live) in memory.
 */
export async function* wholeImageBatches(samples: AsyncIterable<Sample> | Iterable<Sample>, batchSize = 8): AsyncGenerator<Batch> {
  let pending: Sample[] = [];
  const flush = (): Batch => {
    const { width, height } = pending[0];
    const pixels = width * height;
    const images = new Float32Array(pending.length * pixels * 3);
    const masks = new Uint8Array(pending.length * pixels);
    pending.forEach((sample, k) => {
      images.set(sample.rgb, k * pixels * 3);
      masks.set(sample.labels, k * pixels);
    });
    const batch = { images, masks, n: pending.length, height, width };
    pending = [];
    return batch;
  };
  for await (const s of samples) {
    const first = pending[0];
    const full = first && (pending.length >= batchSize || (pending.length + 1) * s.width * s.height > EVAL_BATCH_PIXELS);
    if (first && (full || s.width !== first.width || s.height !== first.height)) yield flush();
    pending.push(s);
  }
  if (pending.length) yield flush();
}
