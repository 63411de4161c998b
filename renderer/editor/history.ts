import { decodeRle, encodeRle } from '../../shared/mask/maskRle';
import { rectArea } from '../../shared/mask/maskRect';
import type { LabelMaskDocument, MaskDiff } from './maskDocument';

/** 64 MB of compressed diffs: thousands of strokes on a 12-megapixel image. */
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;

/**
 * Undo/redo as a stack of diffs (tldraw's model): each entry holds the before/after pixels of the
 * tiles one edit changed, RLE-coded; a new edit clears the redo side; the oldest entries are
 * dropped once the stack holds more than `capBytes`. Independent of tools, so it survives switching them.
 */
export class History {
  private entries: MaskDiff[] = [];
  private index = 0;
  private totalBytes = 0;

  constructor(readonly capBytes = DEFAULT_HISTORY_BYTES) {}

  get canUndo(): boolean {
    return this.index > 0;
  }
  get canRedo(): boolean {
    return this.index < this.entries.length;
  }
  get bytes(): number {
    return this.totalBytes;
  }
  get size(): number {
    return this.entries.length;
  }

  push(diff: MaskDiff): void {
    for (const dropped of this.entries.splice(this.index)) this.totalBytes -= dropped.bytes;
    this.entries.push(diff);
    this.totalBytes += diff.bytes;
    while (this.totalBytes > this.capBytes && this.entries.length > 1) this.totalBytes -= this.entries.shift()!.bytes;
    this.index = this.entries.length;
  }

  /** Restores the pixels before the last edit; returns it, or null when there is nothing to undo. */
  undo(doc: LabelMaskDocument): MaskDiff | null {
    if (!this.canUndo || doc.editing) return null;
    const diff = this.entries[--this.index];
    let scratch = new Uint8Array(0);
    for (const tile of diff.tiles) {
      const current = doc.read(tile.rect);
      if (!tile.after) {
        // The mask still holds the edit's result: code it now for redo.
        tile.after = encodeRle(current);
        diff.bytes += tile.after.length;
        this.totalBytes += tile.after.length;
      }
      if (scratch.length !== current.length) scratch = new Uint8Array(current.length);
      doc.replaceTile(tile.rect, decodeRle(tile.before, current.length, scratch), current);
    }
    doc.emit(diff.bounds);
    return diff;
  }

  redo(doc: LabelMaskDocument): MaskDiff | null {
    if (!this.canRedo || doc.editing) return null;
    const diff = this.entries[this.index++];
    apply(doc, diff, 'after');
    return diff;
  }

  clear(): void {
    this.entries = [];
    this.index = 0;
    this.totalBytes = 0;
  }
}

function apply(doc: LabelMaskDocument, diff: MaskDiff, side: 'before' | 'after'): void {
  let scratch = new Uint8Array(0);
  for (const tile of diff.tiles) {
    const n = rectArea(tile.rect);
    if (scratch.length !== n) scratch = new Uint8Array(n);
    doc.replaceTile(tile.rect, decodeRle(tile[side]!, n, scratch));
  }
  doc.emit(diff.bounds);
}
