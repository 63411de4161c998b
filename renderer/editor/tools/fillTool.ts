import { floodRegion, paintSpans } from '../../../shared/mask/floodFill';
import type { Tool, ToolContext, ToolPointer } from './tool';

/** Bucket fill: one click fills the connected label region and/or similar colours; one history entry. */
export class FillTool implements Tool {
  readonly id = 'fill';
  readonly state = 'idle';

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(p: ToolPointer): void {
    if (p.button !== 0) return;
    const { doc, settings } = this.ctx;
    let mode = settings.fillMode;
    const rgba = mode === 'label' ? null : this.ctx.imagePixels();
    if (mode !== 'label' && !rgba) {
      this.ctx.notify('The image is still loading: filled the label region instead.');
      mode = 'label';
    }
    const region = floodRegion(doc.values, doc.width, doc.height, p.x, p.y, { mode, tolerance: settings.fillTolerance, rgba: rgba ?? undefined });
    if (region.pixels === 0) return;
    doc.prepare(region.bounds);
    paintSpans(doc.values, doc.width, region, settings.classValue, settings.protect !== p.shift);
    doc.changed(region.bounds);
    this.ctx.commitEdit('Fill');
  }

  pointerMove(): void {}
  pointerUp(): void {}
  cancel(): void {}
}
