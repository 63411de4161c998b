import sharp from 'sharp';
import type { DatasetItem, InputScaling } from '../../shared/contract/mlContract';
import { decodeMaskPng } from '../../shared/mask/maskPng';
import type { Batch, BatchSource } from './engine';
import { mulberry32 } from '../../shared/random';

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
  const image = sharp(path, { failOn: 'error', limitInputPixels: false }).rotate();
  const meta = await image.metadata();
  const full = meta.autoOrient ?? meta;
  const { data, info } = await image
    .resize({ width: scaling.longSide, height: scaling.longSide, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path}: expected RGB after decoding, got ${info.channels} channels`);
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, fullWidth: full.width!, fullHeight: full.height! };
}

/** Nearest-neighbour resize of a one-byte-per-pixel raster (masks must never blend classes). */
export function resizeNearest(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return src;
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    for (let x = 0; x < dw; x++) out[y * dw + x] = src[sy * sw + Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / dw))];
  }
  return out;
}

export async function loadSample(item: DatasetItem, scaling: InputScaling, lut: Uint8Array): Promise<Sample> {
  const image = await decodeScaled(item.path, scaling);
  const mask = decodeMaskPng(item.maskPng);
  if (mask.width !== image.fullWidth || mask.height !== image.fullHeight) {
    throw new Error(`${item.path}: mask is ${mask.width}×${mask.height}, image ${image.fullWidth}×${image.fullHeight}`);
  }
  const scaled = resizeNearest(mask.values, mask.width, mask.height, image.width, image.height);
  const labels = new Uint8Array(scaled.length);
  for (let i = 0; i < scaled.length; i++) labels[i] = lut[scaled[i]];
  return { imageId: item.imageId, width: image.width, height: image.height, rgb: image.rgb, labels };
}

/** Loads samples a few at a time (sharp decodes on its own threads). */
export async function loadSamples(items: DatasetItem[], scaling: InputScaling, lut: Uint8Array, concurrency = 4): Promise<Sample[]> {
  const out = new Array<Sample>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await loadSample(items[i], scaling, lut);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

export interface AugmentOptions {
  batch: number;
  crop: number;
  seed: number;
  /** Random scale range (torchvision's references use 0.5–2.0 for VOC; milder suits small sets). */
  minScale?: number;
  maxScale?: number;
  flip?: boolean;
}

/**
 * Training batches: each sample a random scale, a random crop window, a random horizontal flip,
 * resampled to crop×crop (bilinear image, nearest labels, 255 outside the image). Seeded by
 * (seed, epoch), so a resumed epoch sees exactly the batches it would have seen.
 */
export function trainSource(samples: Sample[], options: AugmentOptions): BatchSource {
  const { batch, crop } = options;
  return {
    batchesPerEpoch: Math.ceil(samples.length / batch),
    *batches(epoch: number): Iterable<Batch> {
      const random = mulberry32(options.seed * 7919 + epoch);
      const order = samples.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let start = 0; start < order.length; start += batch) {
        const ids = order.slice(start, start + batch);
        const images = new Float32Array(ids.length * crop * crop * 3);
        const masks = new Uint8Array(ids.length * crop * crop);
        ids.forEach((id, k) => augmentInto(samples[id], options, random, images.subarray(k * crop * crop * 3), masks.subarray(k * crop * crop)));
        yield { images, masks, n: ids.length, height: crop, width: crop };
      }
    },
  };
}

function augmentInto(s: Sample, o: AugmentOptions, random: () => number, image: Float32Array, mask: Uint8Array): void {
  const { crop } = o;
  const scale = (o.minScale ?? 0.75) + random() * ((o.maxScale ?? 1.25) - (o.minScale ?? 0.75));
  const window = crop / scale; // source pixels the crop covers
  const x0 = s.width > window ? random() * (s.width - window) : (s.width - window) / 2;
  const y0 = s.height > window ? random() * (s.height - window) : (s.height - window) / 2;
  const flip = (o.flip ?? true) && random() < 0.5;
  const step = window / crop;
  for (let y = 0; y < crop; y++) {
    const sy = y0 + (y + 0.5) * step - 0.5;
    for (let x = 0; x < crop; x++) {
      const sx = x0 + ((flip ? crop - 1 - x : x) + 0.5) * step - 0.5;
      const o3 = (y * crop + x) * 3;
      const ny = Math.round(sy);
      const nx = Math.round(sx);
      if (nx < 0 || ny < 0 || nx >= s.width || ny >= s.height) {
        mask[y * crop + x] = IGNORE;
        image[o3] = image[o3 + 1] = image[o3 + 2] = 0;
        continue;
      }
      mask[y * crop + x] = s.labels[ny * s.width + nx];
      const fx = Math.min(Math.max(sx, 0), s.width - 1);
      const fy = Math.min(Math.max(sy, 0), s.height - 1);
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      const ax = fx - ix;
      const ay = fy - iy;
      const ix1 = Math.min(ix + 1, s.width - 1);
      const iy1 = Math.min(iy + 1, s.height - 1);
      for (let c = 0; c < 3; c++) {
        const p00 = s.rgb[(iy * s.width + ix) * 3 + c];
        const p01 = s.rgb[(iy * s.width + ix1) * 3 + c];
        const p10 = s.rgb[(iy1 * s.width + ix) * 3 + c];
        const p11 = s.rgb[(iy1 * s.width + ix1) * 3 + c];
        image[o3 + c] = (p00 * (1 - ax) + p01 * ax) * (1 - ay) + (p10 * (1 - ax) + p11 * ax) * ay;
      }
    }
  }
}

/** Validation batches: one whole image each, at training scale. */
export function evalSource(samples: Sample[]): BatchSource {
  return {
    batchesPerEpoch: samples.length,
    *batches(): Iterable<Batch> {
      for (const s of samples) yield { images: Float32Array.from(s.rgb), masks: s.labels, n: 1, height: s.height, width: s.width };
    },
  };
}
