import { brushCentre } from '../../../shared/mask/brushStroke';
import { clipRect, isEmptyRect } from '../../../shared/mask/maskRect';
import { paintSuperpixels, superpixelBounds } from '../../../shared/mask/slic';
import type { Tool, ToolContext, ToolPointer } from './tool';

/**
 * Superpixel brush: every SLIC superpixel the brush touches is painted whole. idle → painting
 * (one history entry per stroke); superpixels already painted in this stroke are skipped.
 */
export class SuperpixelTool implements Tool {
  readonly id = 'superpixel';
  state: 'idle' | 'painting' = 'idle';
  private painted = new Set<number>();
  private protect = false;
  private last: [number, number] | null = null;

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(p: ToolPointer): void {
    if (p.button !== 0 || this.state !== 'idle') return;
    if (!this.ctx.superpixels()) {
      this.ctx.notify('Superpixels are still being computed for this image…');
      return;
    }
    this.state = 'painting';
    this.painted.clear();
    this.protect = this.ctx.settings.protect !== p.shift;
    this.last = null;
    this.paintAt(p);
  }

  pointerMove(p: ToolPointer): void {
    if (this.state === 'painting') this.paintAt(p);
  }

  pointerUp(p: ToolPointer): void {
    if (this.state !== 'painting') return;
    this.paintAt(p);
    this.state = 'idle';
    this.ctx.commitEdit('Superpixel stroke');
  }

  cancel(): void {
    if (this.state === 'painting') this.ctx.doc.cancel();
    this.state = 'idle';
  }

  /** Paints the superpixels under the brush swept from the last position to `p` (no gaps on fast moves). */
  private paintAt(p: ToolPointer): void {
    const sp = this.ctx.superpixels();
    const { doc, settings } = this.ctx;
    if (!sp) return;
    const size = Math.max(1, Math.round(settings.brushSize));
    const [bx, by] = brushCentre(p.x, p.y, size);
    const [ax, ay] = this.last ?? [bx, by];
    this.last = [bx, by];
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / Math.max(1, size / 2)));
    const fresh = new Set<number>();
    const r = size / 2;
    const r2 = r * r;
    for (let s = 1; s <= steps; s++) {
      const cx = ax + ((bx - ax) * s) / steps;
      const cy = ay + ((by - ay) * s) / steps;
      const box = clipRect({ x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r }, doc.width, doc.height);
      if (isEmptyRect(box)) continue;
      for (let y = box.y0; y < box.y1; y++)
        for (let x = box.x0; x < box.x1; x++) {
          if (settings.brushShape === 'round' && (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r2) continue;
          const id = sp.labels[y * sp.width + x];
          if (!this.painted.has(id)) fresh.add(id);
        }
    }
    if (fresh.size === 0) return;
    for (const id of fresh) this.painted.add(id);
    doc.prepare(superpixelBounds(sp, fresh));
    doc.changed(paintSuperpixels(doc.values, sp, fresh, settings.classValue, this.protect));
  }
}
