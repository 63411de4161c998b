import { paintPolygon, polygonBounds } from '../../../shared/mask/polygonRegion';
import type { Tool, ToolContext, ToolPointer } from './tool';

/** Screen pixels within which a click on the first vertex closes the polygon, and a drag becomes a lasso. */
const CLOSE_DISTANCE = 8;
const LASSO_DISTANCE = 4;

/**
 * Polygon and lasso fill. idle → pressed (pointer down); dragging from there makes it a lasso
 * (lasso → filled on pointer up), releasing without a drag starts a polygon (drawing: each click
 * adds a vertex; clicking the first vertex, Enter or a double click fills it; Backspace removes
 * the last vertex; Escape abandons it).
 */
export class PolygonTool implements Tool {
  readonly id = 'polygon';
  state: 'idle' | 'pressed' | 'lasso' | 'drawing' = 'idle';
  private points: number[] = [];
  private hover: [number, number] | null = null;
  private pressAt = { sx: 0, sy: 0 };
  private protect = false;

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(p: ToolPointer): void {
    if (p.button !== 0) return;
    if (this.state === 'idle') {
      this.state = 'pressed';
      this.points = [p.x, p.y];
      this.pressAt = { sx: p.sx, sy: p.sy };
      this.protect = this.ctx.settings.protect !== p.shift;
    } else if (this.state === 'drawing') {
      const [fx, fy] = this.points;
      const d = Math.hypot(p.x - fx, p.y - fy) * this.ctx.scale;
      if (this.points.length >= 6 && d <= CLOSE_DISTANCE) this.complete();
      else this.points.push(p.x, p.y);
    }
    this.ctx.overlayChanged();
  }

  pointerMove(p: ToolPointer): void {
    if (this.state === 'pressed' && Math.hypot(p.sx - this.pressAt.sx, p.sy - this.pressAt.sy) >= LASSO_DISTANCE) this.state = 'lasso';
    if (this.state === 'lasso') {
      const n = this.points.length;
      if (Math.hypot(p.x - this.points[n - 2], p.y - this.points[n - 1]) * this.ctx.scale >= 1) this.points.push(p.x, p.y);
    }
    this.hover = [p.x, p.y];
    if (this.state !== 'idle') this.ctx.overlayChanged();
  }

  pointerUp(): void {
    if (this.state === 'lasso') this.complete();
    else if (this.state === 'pressed') this.state = 'drawing';
  }

  complete(): void {
    const points = this.points;
    this.reset();
    if (points.length < 6) return;
    const { doc, settings } = this.ctx;
    if (settings.acceptRegion) return this.ctx.acceptInPolygon(points);
    doc.prepare(polygonBounds(points, doc.width, doc.height));
    const bounds = paintPolygon(doc.values, doc.width, doc.height, points, settings.classValue, this.protect);
    doc.changed(bounds);
    this.ctx.commitEdit('Polygon fill');
  }

  stepBack(): void {
    if (this.state !== 'drawing') return;
    this.points.length = Math.max(0, this.points.length - 2);
    if (this.points.length === 0) this.reset();
    this.ctx.overlayChanged();
  }

  cancel(): void {
    this.reset();
  }

  overlay(): { points: number[]; closed: boolean } | null {
    if (this.state === 'idle') return null;
    return { points: this.state === 'drawing' && this.hover ? [...this.points, ...this.hover] : this.points, closed: this.state === 'lasso' };
  }

  private reset(): void {
    this.state = 'idle';
    this.points = [];
    this.ctx.overlayChanged();
  }
}
