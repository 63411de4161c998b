import type { Batch, BatchSource } from '../../../electron/ml/engine';

/**
 * A colour-coded toy segmentation task: dark background (class 0) with red (1) and green (2)
 * rectangles at seeded random places. Each pixel's class follows from its colour, so a working
 * FCN learns it in a few dozen steps.
 */
export function syntheticBatch(n: number, size: number, seed: number, sparseFraction = 0): Batch {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const images = new Float32Array(n * size * size * 3);
  const masks = new Uint8Array(n * size * size);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < size * size; i++) {
      images.set([30 + 20 * rand(), 30 + 20 * rand(), 30 + 20 * rand()], (b * size * size + i) * 3);
    }
    for (const cls of [1, 2, 1, 2]) {
      const h = Math.floor(size / 4 + rand() * (size / 3));
      const w = Math.floor(size / 4 + rand() * (size / 3));
      const y0 = Math.floor(rand() * (size - h));
      const x0 = Math.floor(rand() * (size - w));
      for (let y = y0; y < y0 + h; y++) {
        for (let x = x0; x < x0 + w; x++) {
          const p = b * size * size + y * size + x;
          masks[p] = cls;
          images.set(cls === 1 ? [220, 40, 40] : [40, 220, 40], p * 3);
        }
      }
    }
  }
  if (sparseFraction > 0) {
    for (let i = 0; i < masks.length; i++) if (rand() < sparseFraction) masks[i] = 255;
  }
  return { images, masks, n, height: size, width: size };
}

/** A fixed list of batches, the same every epoch. */
export function arraySource(batches: Batch[]): BatchSource {
  return { batches: () => batches, batchesPerEpoch: batches.length };
}
