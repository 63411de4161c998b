import { encodeRle } from '../../shared/mask/maskRle';
import { EMPTY_RECT, isEmptyRect, unionRect, type MaskRect } from '../../shared/mask/maskRect';

/** Side of the square tiles in which a change backs up the pixels it is about to overwrite. */
export const TILE = 64;

/**
 * One changed tile of an edit: its rectangle and RLE-coded pixels before and after. `after` is
 * coded lazily, at the first undo (the mask then still holds it), which halves the commit's work.
 */
export interface TileDiff {
  rect: MaskRect;
  before: Uint8Array;
  after: Uint8Array | null;
}

/** One undoable edit (a stroke, a fill, a polygon): the tiles it changed. */
export interface MaskDiff {
  label: string;
  tiles: TileDiff[];
  bounds: MaskRect;
  /** Bytes the diff holds (RLE payloads plus a small per-tile overhead). */
  bytes: number;
}

export type DirtyListener = (rect: MaskRect) => void;

/**
 * The label raster of one image: a byte per pixel (class value, 255 = unlabeled), per-value pixel
 * counts kept up to date, and copy-on-write tile backups while an edit is in progress so the edit
 * can be committed as a diff of only the tiles it touched (or cancelled).
 */
export class LabelMaskDocument {
  readonly values: Uint8Array;
  /** Pixels per value 0..255 (index 255 = unlabeled). */
  readonly counts = new Float64Array(256);
  private readonly tilesX: number;
  private backups = new Map<number, Uint8Array>();
  private changeBounds: MaskRect = EMPTY_RECT;
  private readonly listeners = new Set<DirtyListener>();

  constructor(
    readonly width: number,
    readonly height: number,
    values?: Uint8Array,
  ) {
    if (width < 1 || height < 1) throw new Error(`mask size ${width}×${height} is empty`);
    if (values && values.length !== width * height) throw new Error(`mask has ${values.length} pixels, expected ${width * height}`);
    this.values = values ?? new Uint8Array(width * height).fill(255);
    this.tilesX = Math.ceil(width / TILE);
    this.recount();
  }

  onDirty(listener: DirtyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get editing(): boolean {
    return this.backups.size > 0;
  }

  /** Labeled pixels (every value but 255). */
  get labeledPixels(): number {
    return this.width * this.height - this.counts[255];
  }

  /** Must be called before writing into `rect` as part of the current edit: backs up its tiles once. */
  prepare(rect: MaskRect): void {
    if (isEmptyRect(rect)) return;
    const tx0 = Math.floor(rect.x0 / TILE);
    const ty0 = Math.floor(rect.y0 / TILE);
    const tx1 = Math.ceil(rect.x1 / TILE);
    const ty1 = Math.ceil(rect.y1 / TILE);
    for (let ty = ty0; ty < ty1; ty++)
      for (let tx = tx0; tx < tx1; tx++) {
        const index = ty * this.tilesX + tx;
        if (this.backups.has(index)) continue;
        this.backups.set(index, this.readTile(index));
      }
  }

  /** Reports pixels written in `rect` (already prepared): redraws them and widens the edit. */
  changed(rect: MaskRect): void {
    if (isEmptyRect(rect)) return;
    this.changeBounds = unionRect(this.changeBounds, rect);
    this.emit(rect);
  }

  /** Ends the current edit. Returns its diff, or null when no pixel actually changed. */
  commit(label: string): MaskDiff | null {
    const tiles: TileDiff[] = [];
    let bounds: MaskRect = EMPTY_RECT;
    let bytes = 0;
    for (const [index, before] of this.backups) {
      const after = this.readTile(index);
      // One pass both finds whether the tile changed and moves the class counts.
      if (this.adjustCounts(before, after) === 0) continue;
      const rect = this.tileRect(index);
      const diff = { rect, before: encodeRle(before), after: null };
      bytes += diff.before.length + 64;
      tiles.push(diff);
      bounds = unionRect(bounds, rect);
    }
    this.backups.clear();
    this.changeBounds = EMPTY_RECT;
    return tiles.length ? { label, tiles, bounds, bytes } : null;
  }

  /** Abandons the current edit, restoring every tile it touched. */
  cancel(): void {
    const bounds = this.changeBounds;
    for (const [index, before] of this.backups) this.writeTile(index, before);
    this.backups.clear();
    this.changeBounds = EMPTY_RECT;
    this.emit(bounds);
  }

  /**
   * Writes a tile's pixels outside any edit (undo/redo), keeping the counts in step; `current`
   * may pass the tile's present pixels when the caller has already read them.
   */
  replaceTile(rect: MaskRect, pixels: Uint8Array, current: Uint8Array = this.read(rect)): void {
    this.adjustCounts(current, pixels);
    const w = rect.x1 - rect.x0;
    for (let y = rect.y0; y < rect.y1; y++) this.values.set(pixels.subarray((y - rect.y0) * w, (y - rect.y0 + 1) * w), y * this.width + rect.x0);
  }

  /** Replaces the whole mask (a reload); not undoable. */
  replaceAll(values: Uint8Array): void {
    if (values.length !== this.values.length) throw new Error('replacement mask has the wrong size');
    this.backups.clear();
    this.changeBounds = EMPTY_RECT;
    this.values.set(values);
    this.recount();
    this.emit({ x0: 0, y0: 0, x1: this.width, y1: this.height });
  }

  /** Tells listeners that `rect` needs redrawing (after replaceTile calls). */
  emit(rect: MaskRect): void {
    if (isEmptyRect(rect)) return;
    for (const l of this.listeners) l(rect);
  }

  /** Bytes this document holds beyond the raster (backups of an edit in progress). */
  get overheadBytes(): number {
    let n = this.counts.byteLength;
    for (const b of this.backups.values()) n += b.byteLength;
    return n;
  }

  private recount(): void {
    this.counts.fill(0);
    const h = new Uint32Array(256);
    for (let i = 0; i < this.values.length; i++) h[this.values[i]]++;
    this.counts.set(h);
  }

  /** Moves counts from before's values to after's; returns how many pixels differ. */
  private adjustCounts(before: Uint8Array, after: Uint8Array): number {
    // Changes come in runs of one (before, after) pair: count runs, touch the counts once per run.
    let changed = 0;
    let pairB = -1;
    let pairA = -1;
    let run = 0;
    const counts = this.counts;
    const add = (b: number, a: number, n: number) => {
      changed += n;
      if (b === pairB && a === pairA) {
        run += n;
        return;
      }
      if (run > 0) {
        counts[pairB] -= run;
        counts[pairA] += run;
      }
      pairB = b;
      pairA = a;
      run = n;
    };
    // Unchanged stretches are skipped four pixels at a time where both arrays align (tiles do).
    const words = before.byteOffset % 4 === 0 && after.byteOffset % 4 === 0 ? before.length >> 2 : 0;
    const b32 = words ? new Uint32Array(before.buffer, before.byteOffset, words) : null;
    const a32 = words ? new Uint32Array(after.buffer, after.byteOffset, words) : null;
    for (let i = 0; i < before.length; i++) {
      if ((i & 3) === 0 && b32 && i >> 2 < words) {
        const bw = b32[i >> 2];
        const aw = a32![i >> 2];
        const b0 = bw & 0xff;
        const a0 = aw & 0xff;
        // Four unchanged pixels, or four of one value becoming four of another (fills, accepts): one step.
        if (bw === aw || (bw === (b0 * 0x01010101) >>> 0 && aw === (a0 * 0x01010101) >>> 0)) {
          if (bw !== aw) add(b0, a0, 4);
          i += 3;
          continue;
        }
      }
      if (before[i] !== after[i]) add(before[i], after[i], 1);
    }
    add(-1, -1, 0);
    return changed;
  }

  private tileRect(index: number): MaskRect {
    const tx = index % this.tilesX;
    const ty = Math.floor(index / this.tilesX);
    return { x0: tx * TILE, y0: ty * TILE, x1: Math.min(this.width, (tx + 1) * TILE), y1: Math.min(this.height, (ty + 1) * TILE) };
  }

  /** Copies the pixels of `r`. */
  read(r: MaskRect): Uint8Array {
    const w = r.x1 - r.x0;
    const out = new Uint8Array(w * (r.y1 - r.y0));
    for (let y = r.y0; y < r.y1; y++) out.set(this.values.subarray(y * this.width + r.x0, y * this.width + r.x1), (y - r.y0) * w);
    return out;
  }

  private readTile(index: number): Uint8Array {
    return this.read(this.tileRect(index));
  }

  private writeTile(index: number, pixels: Uint8Array): void {
    const r = this.tileRect(index);
    const w = r.x1 - r.x0;
    for (let y = r.y0; y < r.y1; y++) this.values.set(pixels.subarray((y - r.y0) * w, (y - r.y0 + 1) * w), y * this.width + r.x0);
  }
}
