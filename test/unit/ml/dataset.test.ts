import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DatasetItem } from '../../../shared/contract/mlContract';
import { encodeMaskPng } from '../../../shared/mask/maskPng';
import { mulberry32 } from '../../../shared/random';
import { SampleStore, downscaleLabels, evalSource, jitterColours, resizeNearest, sampleWindow, trainSource, type Sample } from '../../../electron/ml/dataset';
import type { Batch, BatchSource } from '../../../electron/ml/engine';
import { tempDir, writeImage } from '../../fixtures/images';
import { rmSync } from 'node:fs';

const SCALING = { longSide: 48 };
const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i);
let dir: string;
let items: DatasetItem[];

/** Every sample decoded up front: a store with no budget limit, warmed. */
async function inMemory(): Promise<{ store: SampleStore; samples: Sample[] }> {
  const store = new SampleStore(items, SCALING, IDENTITY, Number.POSITIVE_INFINITY);
  await store.warm();
  return { store, samples: await Promise.all(items.map((_, i) => store.get(i))) };
}

async function collect(source: BatchSource, epoch: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of source.batches(epoch)) out.push({ ...b, images: b.images.slice(), masks: b.masks.slice() });
  return out;
}

beforeAll(async () => {
  dir = tempDir('fcn-dataset-');
  items = [];
  for (let i = 0; i < 7; i++) {
    const path = join(dir, `img${i}.png`);
    const [w, h] = [40 + i * 4, 30 + i * 2];
    await writeImage(path, w, h, 'png', i);
    const values = Uint8Array.from({ length: w * h }, (_, p) => ((p % w) + i) % 3);
    items.push({ imageId: i + 1, path, maskPng: encodeMaskPng({ width: w, height: h, values }) });
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SampleStore', () => {
  it('keeps everything when the budget allows and decodes each image once', async () => {
    const store = new SampleStore(items, SCALING, IDENTITY, Number.POSITIVE_INFINITY);
    await store.warm();
    expect(store.complete).toBe(true);
    const a = await store.get(3);
    expect(await store.get(3)).toBe(a);
  });

  it('stays within its byte budget and still serves every sample', async () => {
    const { samples: all } = await inMemory();
    const perSample = all[0].rgb.byteLength + all[0].labels.byteLength;
    const store = new SampleStore(items, SCALING, IDENTITY, perSample * 2.5);
    await store.warm();
    expect(store.complete).toBe(false);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < items.length; i++) {
        const s = await store.get(i);
        expect(s.imageId).toBe(items[i].imageId);
        expect(Buffer.from(s.rgb).equals(Buffer.from(all[i].rgb))).toBe(true);
        expect(store.cachedCount).toBeLessThanOrEqual(3);
      }
    }
  });

  it('names the file when an image cannot be decoded mid-run', async () => {
    const broken = [...items, { imageId: 99, path: join(dir, 'missing.png'), maskPng: items[0].maskPng }];
    const store = new SampleStore(broken, SCALING, IDENTITY, 1);
    await expect(store.get(broken.length - 1)).rejects.toThrow(/missing\.png/);
  });
});

describe('trainSource', () => {
  it('yields the same batches from a bounded store as from memory, epoch by epoch (resume sees the same data)', async () => {
    const { store: all } = await inMemory();
    const bounded = new SampleStore(items, SCALING, IDENTITY, 1);
    const options = { batch: 3, crop: 32, seed: 5 };
    for (const epoch of [1, 2]) {
      const fromMemory = await collect(trainSource(all, options), epoch);
      const fromStore = await collect(trainSource(bounded, options), epoch);
      expect(fromMemory.map((b) => b.n)).toEqual([3, 3, 1]);
      expect(fromStore.length).toBe(fromMemory.length);
      fromMemory.forEach((b, k) => {
        expect(Buffer.from(fromStore[k].masks).equals(Buffer.from(b.masks))).toBe(true);
        expect(Buffer.from(fromStore[k].images.buffer).equals(Buffer.from(b.images.buffer))).toBe(true);
      });
    }
    const epoch1 = await collect(trainSource(all, options), 1);
    const epoch2 = await collect(trainSource(all, options), 2);
    expect(Buffer.from(epoch1[0].masks).equals(Buffer.from(epoch2[0].masks))).toBe(false);
  });

  it('colour jitter changes the images, never the labels', async () => {
    const { store: all } = await inMemory();
    const plain = await collect(trainSource(all, { batch: 2, crop: 32, seed: 9 }), 1);
    const jittered = await collect(trainSource(all, { batch: 2, crop: 32, seed: 9, colorJitter: 0.4 }), 1);
    expect(jittered.length).toBe(plain.length);
    // Same geometry: jitter draws its factors after the sample's crop and flip.
    expect(Buffer.from(jittered[0].masks.subarray(0, 32 * 32)).equals(Buffer.from(plain[0].masks.subarray(0, 32 * 32)))).toBe(true);
    expect(Buffer.from(jittered[0].images.buffer).equals(Buffer.from(plain[0].images.buffer))).toBe(false);
    for (const b of jittered) for (const v of b.images) expect(v >= 0 && v <= 255).toBe(true);
  });
});

/** sampleWindow as its doc defines it, pixel by pixel: the reference for the table-driven loop. */
function sampleWindowByDefinition(s: Pick<Sample, 'width' | 'height' | 'rgb' | 'labels'>, x0: number, y0: number, window: number, flip: boolean, crop: number, image: Float32Array, mask: Uint8Array): void {
  const step = window / crop;
  for (let y = 0; y < crop; y++) {
    const sy = y0 + (y + 0.5) * step - 0.5;
    for (let x = 0; x < crop; x++) {
      const sx = x0 + ((flip ? crop - 1 - x : x) + 0.5) * step - 0.5;
      const o3 = (y * crop + x) * 3;
      const ny = Math.round(sy);
      const nx = Math.round(sx);
      if (nx < 0 || ny < 0 || nx >= s.width || ny >= s.height) {
        mask[y * crop + x] = 255;
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

describe('sampleWindow', () => {
  it('gives exactly the definition’s crops: bilinear image, nearest labels, 255 and black outside, mirrored or not', () => {
    const random = mulberry32(5);
    const width = 37;
    const height = 23;
    const s = {
      width,
      height,
      rgb: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(random() * 256)),
      labels: Uint8Array.from({ length: width * height }, () => Math.floor(random() * 12)),
    };
    const crop = 16;
    for (let trial = 0; trial < 200; trial++) {
      // Windows inside, across every edge and larger than the image, at zoom-in and zoom-out.
      const window = 4 + random() * 60;
      const x0 = -20 + random() * (width + 10);
      const y0 = -20 + random() * (height + 10);
      const flip = random() < 0.5;
      const got = { image: new Float32Array(crop * crop * 3).fill(7), mask: new Uint8Array(crop * crop).fill(7) };
      const want = { image: new Float32Array(crop * crop * 3), mask: new Uint8Array(crop * crop) };
      sampleWindow(s, x0, y0, window, flip, crop, got.image, got.mask);
      sampleWindowByDefinition(s, x0, y0, window, flip, crop, want.image, want.mask);
      expect(got.mask).toEqual(want.mask);
      expect(got.image).toEqual(want.image);
    }
  });
});

describe('jitterColours', () => {
  it('is the identity at strength 0 and keeps grey pixels grey', () => {
    const image = Float32Array.from([10, 20, 30, 200, 100, 50]);
    jitterColours(image, 0, mulberry32(1));
    expect([...image].map((v) => Math.round(v * 1000) / 1000)).toEqual([10, 20, 30, 200, 100, 50]);
    const grey = Float32Array.from([80, 80, 80, 160, 160, 160]);
    jitterColours(grey, 0.5, mulberry32(3));
    expect(Math.abs(grey[0] - grey[1]) + Math.abs(grey[1] - grey[2])).toBeLessThan(1e-3);
    expect(Math.abs(grey[3] - grey[5])).toBeLessThan(1e-3);
  });
});

describe('evalSource', () => {
  it('yields every image whole, in order, consecutive images of one size batched together', async () => {
    // Runs of one size (the same files again) between images of other sizes.
    const mixed = [0, 0, 0, 1, 1, 2, 0, 0].map((i) => items[i]);
    const store = new SampleStore(mixed, SCALING, IDENTITY, 1);
    const { samples: distinct } = await inMemory();
    const samples = [0, 0, 0, 1, 1, 2, 0, 0].map((i) => distinct[i]);
    for (const batchSize of [1, 2, 8]) {
      const batches = await collect(evalSource(store, batchSize), 0);
      const perImage = batches.flatMap((b) =>
        Array.from({ length: b.n }, (_, k) => ({
          width: b.width,
          rgb: b.images.subarray(k * b.width * b.height * 3, (k + 1) * b.width * b.height * 3),
          labels: b.masks.subarray(k * b.width * b.height, (k + 1) * b.width * b.height),
        })),
      );
      expect(perImage.map((p) => p.width)).toEqual(samples.map((s) => s.width));
      perImage.forEach((p, i) => {
        expect([...p.rgb]).toEqual([...samples[i].rgb]);
        expect([...p.labels]).toEqual([...samples[i].labels]);
      });
      expect(batches.map((b) => b.n)).toEqual({ 1: [1, 1, 1, 1, 1, 1, 1, 1], 2: [2, 1, 2, 1, 2], 8: [3, 2, 1, 2] }[batchSize]);
    }
  });
});

describe('downscaleLabels', () => {
  /** 64×64 unlabeled, with 1-px strokes: a horizontal line of 2 (row 30), a vertical line of 1 (column 10, rows 0–20), a diagonal of 3. */
  function strokes(): Uint8Array {
    const mask = new Uint8Array(64 * 64).fill(255);
    for (let x = 0; x < 64; x++) mask[30 * 64 + x] = 2;
    for (let y = 0; y <= 20; y++) mask[y * 64 + 10] = 1;
    for (let i = 40; i < 64; i++) mask[i * 64 + i] = 3;
    return mask;
  }

  it('keeps every 1-px stroke at half and quarter scale, where nearest neighbour loses them', () => {
    const half = downscaleLabels(strokes(), 64, 64, 32, 32);
    for (let x = 0; x < 32; x++) expect(half[15 * 32 + x]).toBe(2);
    for (let y = 0; y <= 10; y++) expect(half[y * 32 + 5]).toBe(1);
    for (let i = 20; i < 32; i++) expect(half[i * 32 + i]).toBe(3);
    // Nothing labeled where no stroke passed.
    expect(half[0]).toBe(255);
    expect(half.filter((v) => v !== 255)).toHaveLength(32 + 11 + 12);

    const quarter = downscaleLabels(strokes(), 64, 64, 16, 16);
    for (let x = 0; x < 16; x++) expect(quarter[7 * 16 + x]).toBe(2);
    for (let y = 0; y <= 5; y++) expect(quarter[y * 16 + 2]).toBe(1);
    for (let i = 10; i < 16; i++) expect(quarter[i * 16 + i]).toBe(3);

    // Nearest neighbour samples the odd rows and columns: both the horizontal and the vertical stroke vanish.
    const nearest = resizeNearest(strokes(), 64, 64, 32, 32);
    expect(nearest.filter((v) => v === 2 || v === 1)).toHaveLength(0);
  });

  it('takes the majority of the labeled pixels of a block, ignoring unlabeled ones', () => {
    // 2×2 blocks: [1, 1, 2, 255] → 1; [255, 255, 255, 4] → 4; all 255 → 255.
    const src = Uint8Array.from([1, 1, 255, 255, 255, 255, 2, 255, 255, 4, 255, 255]);
    expect([...downscaleLabels(src, 6, 2, 3, 1)]).toEqual([1, 4, 255]);
  });

  it('gives the rule’s result (block majority over labeled pixels, a tie to the first in row order) at every factor, halving included', () => {
    /** The rule written out plainly: each output pixel's block, its labeled values counted in row order. */
    const reference = (src: Uint8Array, sw: number, sh: number, dw: number, dh: number) =>
      Uint8Array.from({ length: dw * dh }, (_, o) => {
        const [x, y] = [o % dw, Math.floor(o / dw)];
        const counts = new Map<number, number>();
        let best = 255;
        for (let sy = Math.floor((y * sh) / dh); sy < Math.max(Math.floor((y * sh) / dh) + 1, Math.floor(((y + 1) * sh) / dh)); sy++) {
          for (let sx = Math.floor((x * sw) / dw); sx < Math.max(Math.floor((x * sw) / dw) + 1, Math.floor(((x + 1) * sw) / dw)); sx++) {
            const v = src[sy * sw + sx];
            if (v === 255) continue;
            counts.set(v, (counts.get(v) ?? 0) + 1);
            if (counts.get(v)! > (best === 255 ? 0 : counts.get(best)!)) best = v;
          }
        }
        return best;
      });
    const random = mulberry32(5);
    // Few values and many unlabeled pixels: ties, mixed and uniform blocks all occur.
    const src = Uint8Array.from({ length: 48 * 36 }, () => [0, 1, 2, 255, 255][Math.floor(random() * 5)]);
    for (const [dw, dh] of [[24, 18], [16, 12], [17, 13], [30, 20]]) {
      expect([...downscaleLabels(src, 48, 36, dw, dh)], `${dw}×${dh}`).toEqual([...reference(src, 48, 36, dw, dh)]);
    }
  });

  it('leaves a raster that is not shrunk to nearest neighbour', () => {
    const src = Uint8Array.from([0, 1, 2, 3]);
    expect(downscaleLabels(src, 2, 2, 2, 2)).toBe(src);
  });
});
