import type { InputScaling, LiveItem } from '../../../shared/contract/mlContract';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import { decodeScaled, downscaleLabels } from '../dataset';

const IGNORE = 255;

/** One image the live trainer learns from (or validates on), at training scale. */
export interface LiveSample {
  imageId: number;
  path: string;
  split: 'train' | 'val';
  width: number;
  height: number;
  fullWidth: number;
  fullHeight: number;
  rgb: Uint8Array;
  /** Network class indices, 255 = unlabeled. Replaced (never mutated) by an update. */
  labels: Uint8Array;
  /** The label version `labels` holds. */
  version: number;
  /** When the labels last changed (ms, the store's clock): recent ones are sampled more often. */
  updatedAt: number;
  /** Pixel offsets of each class in `labels` (crop centres for class-balanced sampling). */
  pixelsByClass: Uint32Array[];
  labeledPixels: number;
  /** Pixels the last update labeled or relabeled (all labeled pixels for a new image): where a correction is. */
  changed: Uint32Array;
}

export interface LiveSampleStoreOptions {
  scaling: InputScaling;
  /** Mask value → network class index (255 where a value is no class). */
  lut: Uint8Array;
  numClasses: number;
  now?: () => number;
}

/**
 * The live trainer's images, kept decoded at training scale. A mask update replaces that one
 * image's labels in place (its pixels are not decoded again, no other image is touched), so the
 * next batch drawn sees the new pixels.
 */
export class LiveSampleStore {
  private readonly samples = new Map<number, LiveSample>();
  private readonly now: () => number;
  /** Bumped on every change: the sampler and the trainer notice updates by it. */
  generation = 0;
  /** When the train split's labels last changed (ms, the store's clock): the learning rate settles from there. */
  trainChangedAt: number;

  constructor(private readonly options: LiveSampleStoreOptions) {
    this.now = options.now ?? (() => performance.now());
    this.trainChangedAt = this.now();
  }

  get(imageId: number): LiveSample | undefined {
    return this.samples.get(imageId);
  }

  list(split: 'train' | 'val'): LiveSample[] {
    return [...this.samples.values()].filter((s) => s.split === split);
  }

  /** Labeled pixels per class over the train split (what balancing and the status line use). */
  classPixels(): number[] {
    const counts = new Array<number>(this.options.numClasses).fill(0);
    for (const s of this.list('train')) s.pixelsByClass.forEach((p, c) => (counts[c] += p.length));
    return counts;
  }

  /** Adds an image or replaces its labels and split; an older version than the one held is ignored. */
  async upsert(item: LiveItem): Promise<void> {
    const held = this.samples.get(item.imageId);
    if (held && held.path === item.path) {
      if (item.version < held.version) return;
      if (held.split === 'train' || item.split === 'train') this.trainChangedAt = this.now();
      const labels = this.scaleLabels(item, held.fullWidth, held.fullHeight, held.width, held.height);
      const indexed = indexLabels(labels, this.options.numClasses);
      this.samples.set(item.imageId, { ...held, split: item.split, ...indexed, changed: changedPixels(held.labels, labels), version: item.version, updatedAt: this.now() });
    } else {
      const image = await decodeScaled(item.path, this.options.scaling);
      const labels = this.scaleLabels(item, image.fullWidth, image.fullHeight, image.width, image.height);
      // A newer version may have arrived while this one's image was decoding.
      const current = this.samples.get(item.imageId);
      if (current && current.version > item.version) return;
      if (item.split === 'train' || current?.split === 'train') this.trainChangedAt = this.now();
      const indexed = indexLabels(labels, this.options.numClasses);
      this.samples.set(item.imageId, {
        imageId: item.imageId,
        path: item.path,
        split: item.split,
        width: image.width,
        height: image.height,
        fullWidth: image.fullWidth,
        fullHeight: image.fullHeight,
        rgb: image.rgb,
        ...indexed,
        changed: changedPixels(null, labels),
        version: item.version,
        updatedAt: this.now(),
      });
    }
    this.generation++;
  }

  remove(imageId: number): void {
    const held = this.samples.get(imageId);
    if (!held) return;
    this.samples.delete(imageId);
    this.generation++;
    if (held.split === 'train') this.trainChangedAt = this.now();
  }

  private scaleLabels(item: LiveItem, fullWidth: number, fullHeight: number, width: number, height: number): Uint8Array {
    const mask = decodeMaskPng(item.maskPng);
    if (mask.width !== fullWidth || mask.height !== fullHeight) {
      throw new Error(`${item.path}: mask is ${mask.width}×${mask.height}, image ${fullWidth}×${fullHeight}`);
    }
    // Scribbles survive the scaling (block majority over labeled pixels), as in explicit runs.
    const scaled = downscaleLabels(mask.values, mask.width, mask.height, width, height);
    const labels = new Uint8Array(scaled.length);
    for (let i = 0; i < scaled.length; i++) labels[i] = this.options.lut[scaled[i]];
    return labels;
  }
}

function changedPixels(before: Uint8Array | null, after: Uint8Array): Uint32Array {
  const changed: number[] = [];
  for (let i = 0; i < after.length; i++) if (after[i] !== IGNORE && (!before || before[i] !== after[i])) changed.push(i);
  return Uint32Array.from(changed);
}

function indexLabels(labels: Uint8Array, numClasses: number): Pick<LiveSample, 'labels' | 'pixelsByClass' | 'labeledPixels'> {
  const counts = new Uint32Array(numClasses);
  for (const v of labels) if (v !== IGNORE && v < numClasses) counts[v]++;
  const pixelsByClass = Array.from(counts, (n) => new Uint32Array(n));
  const filled = new Uint32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== IGNORE && v < numClasses) pixelsByClass[v][filled[v]++] = i;
  }
  return { labels, pixelsByClass, labeledPixels: counts.reduce((a, b) => a + b, 0) };
}
