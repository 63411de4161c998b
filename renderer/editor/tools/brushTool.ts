import { brushCentre, paintSegment, segmentBounds } from '../../../shared/mask/brushStroke';
import type { Tool, ToolContext, ToolPointer } from './tool';

const UNLABELED = 255;

/**
 * Brush and eraser. States: idle → painting (pointer down … up, one history entry) and
 * idle → resizing (Alt-drag changes the size). Each move paints the swept segment from the last
 * centre, so fast moves leave no gaps.
 */
export class BrushTool implements Tool {
  state: 'idle' | 'painting' | 'resizing' = 'idle';
  private last: [number, number] = [0, 0];
  private protect = false;
  private resizeFrom = { sx: 0, size: 0 };
  /** While accepting the prediction by brush: the pixels this stroke has covered. */
  private swept: Uint8Array | null = null;

  constructor(
    readonly id: 'brush' | 'eraser',
    private readonly ctx: ToolContext,
  ) {}

  pointerDown(p: ToolPointer): void {
    if (this.state !== 'idle' || p.button !== 0) return;
    if (p.alt) {
      this.state = 'resizing';
      this.resizeFrom = { sx: p.sx, size: this.ctx.settings.brushSize };
      return;
    }
    this.state = 'painting';
    this.protect = this.id === 'brush' && this.ctx.settings.protect !== p.shift;
    const { doc, settings } = this.ctx;
    this.swept = this.id === 'brush' && settings.acceptRegion ? new Uint8Array(doc.width * doc.height) : null;
    this.last = brushCentre(p.x, p.y, this.ctx.settings.brushSize);
    this.paintTo(this.last);
  }

  pointerMove(p: ToolPointer): void {
    if (this.state === 'resizing') {
      this.ctx.setBrushSize(this.resizeFrom.size + Math.round((p.sx - this.resizeFrom.sx) / 2));
      return;
    }
    if (this.state !== 'painting') return;
    const next = brushCentre(p.x, p.y, this.ctx.settings.brushSize);
    if (next[0] === this.last[0] && next[1] === this.last[1]) return;
    this.paintTo(next);
  }

  pointerUp(p: ToolPointer): void {
    if (this.state === 'painting') {
      this.pointerMove(p);
      this.ctx.commitEdit(this.swept ? 'Accept prediction (brush)' : this.id === 'brush' ? 'Brush stroke' : 'Erase');
    }
    this.swept = null;
    this.state = 'idle';
  }

  cancel(): void {
    if (this.state === 'painting') this.ctx.doc.cancel();
    this.swept = null;
    this.state = 'idle';
  }

  private paintTo(next: [number, number]): void {
    const { doc, settings } = this.ctx;
    const [ax, ay] = this.last;
    const [bx, by] = next;
    const bounds = segmentBounds(ax, ay, bx, by, settings.brushSize, doc.width, doc.height);
    if (this.swept) {
      // Accepting by brush: the stroke marks where; the prediction (within the threshold and class) says what.
      paintSegment(this.swept, doc.width, doc.height, ax, ay, bx, by, { size: settings.brushSize, shape: settings.brushShape, value: 1, protect: false });
      if (!this.ctx.acceptInRegion(this.swept, bounds, this.protect)) this.cancel();
      this.last = next;
      return;
    }
    doc.prepare(bounds);
    paintSegment(doc.values, doc.width, doc.height, ax, ay, bx, by, {
      size: settings.brushSize,
      shape: settings.brushShape,
      value: this.id === 'eraser' ? UNLABELED : settings.classValue,
      protect: this.protect,
    });
    doc.changed(bounds);
    this.last = next;
  }
}
