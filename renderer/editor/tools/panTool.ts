import type { Tool, ToolContext, ToolPointer } from './tool';

/** Hand tool (also held with Space or the middle button): idle → dragging moves the view. */
export class PanTool implements Tool {
  readonly id = 'pan';
  state: 'idle' | 'dragging' = 'idle';
  private last = { sx: 0, sy: 0 };

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(p: ToolPointer): void {
    this.state = 'dragging';
    this.last = { sx: p.sx, sy: p.sy };
  }

  pointerMove(p: ToolPointer): void {
    if (this.state !== 'dragging') return;
    this.ctx.panBy(p.sx - this.last.sx, p.sy - this.last.sy);
    this.last = { sx: p.sx, sy: p.sy };
  }

  pointerUp(): void {
    this.state = 'idle';
  }

  cancel(): void {
    this.state = 'idle';
  }
}
