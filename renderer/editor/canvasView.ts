import Konva from 'konva';
import { brushCentre } from '../../shared/mask/brushStroke';
import type { Superpixels } from '../../shared/mask/slic';
import type { Editor } from './editor';
import { adjustLut, applyLut, isIdentityAdjust, type ImageAdjust } from './imageAdjust';

/**
 * Draws the editor's state with Konva and forwards pointer input to it; it holds no editing state.
 * Layers, bottom to top: image, labels (the screen-resolution LabelView, re-coloured only where
 * the mask changed), the model's prediction (drawn the same way, above the labels so errors and
 * previews stay visible), and an overlay for the brush outline and polygon in progress.
 */
export class CanvasView {
  readonly stage: Konva.Stage;
  readonly predictionLayer = new Konva.Layer({ listening: false, visible: false, imageSmoothingEnabled: false });
  private readonly predictionCanvas = document.createElement('canvas');
  private readonly predictionNode = new Konva.Image({ image: this.predictionCanvas, x: 0, y: 0, listening: false });
  private predictionData: ImageData | null = null;
  /** The last prediction the layer has drawn, and how many different ones it has drawn. */
  private drawnPrediction: unknown = null;
  private drawnPredictions = 0;
  private readonly imageLayer = new Konva.Layer({ listening: false });
  private readonly labelLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false });
  private readonly overlayLayer = new Konva.Layer({ listening: false });
  /** Superpixel outlines while the superpixel brush is in use. */
  private readonly outlineLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false, opacity: 0.5 });
  private readonly outlineCanvas = document.createElement('canvas');
  private readonly outlineNode = new Konva.Image({ image: this.outlineCanvas, x: 0, y: 0, listening: false });
  private outlinesFor: string | null = null;
  private outlinesOf: Superpixels | null = null;
  private readonly imageNode: Konva.Image;
  private readonly labelNode: Konva.Image;
  private readonly labelCanvas = document.createElement('canvas');
  private readonly labelContext: CanvasRenderingContext2D;
  private imageData: ImageData | null = null;
  private readonly cursorRound = new Konva.Circle({ stroke: '#ffffff', strokeWidth: 1, dash: [4, 3], listening: false, visible: false });
  private readonly cursorRoundShadow = new Konva.Circle({ stroke: 'rgba(0,0,0,0.75)', strokeWidth: 1, listening: false, visible: false });
  private readonly cursorSquare = new Konva.Rect({ stroke: '#ffffff', strokeWidth: 1, dash: [4, 3], listening: false, visible: false });
  private readonly cursorSquareShadow = new Konva.Rect({ stroke: 'rgba(0,0,0,0.75)', strokeWidth: 1, listening: false, visible: false });
  private readonly polygon = new Konva.Line({ stroke: '#ffffff', strokeWidth: 1.5, dash: [6, 4], shadowColor: '#000', shadowBlur: 2, listening: false });
  private readonly polygonFill = new Konva.Line({ fill: 'rgba(59, 91, 219, 0.18)', closed: true, listening: false });
  /** The photo as adjusted for display (brightness / contrast / gamma), and its untouched pixels. */
  private adjustedCanvas: HTMLCanvasElement | null = null;
  private sourcePixels: ImageData | null = null;
  private adjustedPixels: ImageData | null = null;
  private pendingAdjust: ImageAdjust | null = null;
  private adjustFrame = 0;
  private pointer: { sx: number; sy: number } | null = null;
  private viewFrame = 0;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly container: HTMLDivElement,
    private readonly editor: Editor,
    private readonly image: CanvasImageSource,
  ) {
    const width = Math.max(1, container.clientWidth);
    const height = Math.max(1, container.clientHeight);
    this.stage = new Konva.Stage({ container, width, height });
    this.labelContext = this.labelCanvas.getContext('2d')!;
    this.imageNode = new Konva.Image({ image, x: 0, y: 0, listening: false });
    this.labelNode = new Konva.Image({ image: this.labelCanvas, x: 0, y: 0, listening: false });
    this.imageLayer.add(this.imageNode);
    this.labelLayer.add(this.labelNode);
    this.overlayLayer.add(this.polygonFill, this.polygon, this.cursorRoundShadow, this.cursorRound, this.cursorSquareShadow, this.cursorSquare);
    this.outlineLayer.add(this.outlineNode);
    this.predictionLayer.add(this.predictionNode);
    // A draw marker for benchmarks and tests: when a new prediction first reaches the screen
    // (Konva's draw of this layer, not its scheduling), in the page's performance clock.
    this.predictionLayer.on('draw', () => {
      const shown = editor.prediction;
      if (!shown || shown === this.drawnPrediction || !this.predictionLayer.visible()) return;
      this.drawnPrediction = shown;
      Object.assign(this.container.dataset, { predictionDrawn: String(++this.drawnPredictions), predictionDrawnAt: String(performance.now()) });
    });
    this.stage.add(this.imageLayer, this.labelLayer, this.predictionLayer, this.outlineLayer, this.overlayLayer);

    this.cleanups.push(
      editor.onViewChange(() => this.scheduleView()),
      editor.onDirty((rect) => {
        const r = editor.labelView.update(rect, editor.view);
        if (r && this.imageData) {
          this.labelContext.putImageData(this.imageData, 0, 0, r.x, r.y, r.width, r.height);
          this.labelLayer.batchDraw();
        }
      }),
      editor.onOverlayChange(() => this.drawOverlay()),
      editor.onPredictionChange((rect) => {
        const pv = editor.predictionView;
        if (!rect || !pv || !this.predictionData || this.predictionData.data.buffer !== pv.pixels.buffer) return this.renderPrediction(true);
        const r = pv.update(rect, editor.view);
        if (r) this.predictionCanvas.getContext('2d')!.putImageData(this.predictionData, 0, 0, r.x, r.y, r.width, r.height);
        this.renderPrediction(false);
      }),
      editor.subscribe(() => this.syncPredictionLayer()),
      editor.subscribe(() => this.updateCursorStyle()),
    );
    this.listen();
    const resize = new ResizeObserver(() => this.resize());
    resize.observe(container);
    this.cleanups.push(() => resize.disconnect());
    editor.resize(width, height);
    this.renderView();
  }

  dispose(): void {
    cancelAnimationFrame(this.viewFrame);
    cancelAnimationFrame(this.adjustFrame);
    for (const c of this.cleanups) c();
    this.stage.destroy();
  }

  /** Shows the photo with `adjust` applied; slider drags coalesce to one re-render per frame. */
  setImageAdjust(adjust: ImageAdjust): void {
    this.pendingAdjust = adjust;
    if (this.adjustFrame) return;
    this.adjustFrame = requestAnimationFrame(() => {
      this.adjustFrame = 0;
      if (this.pendingAdjust) this.renderImageAdjust(this.pendingAdjust);
    });
  }

  /** One pass of the lookup table over a copy of the photo; the image layer alone is redrawn. */
  private renderImageAdjust(adjust: ImageAdjust): void {
    if (isIdentityAdjust(adjust)) {
      this.imageNode.image(this.image);
    } else {
      const width = this.imageNode.width();
      const height = this.imageNode.height();
      if (!this.adjustedCanvas || !this.sourcePixels) {
        this.adjustedCanvas = document.createElement('canvas');
        this.adjustedCanvas.width = width;
        this.adjustedCanvas.height = height;
        const context = this.adjustedCanvas.getContext('2d', { willReadFrequently: true })!;
        context.drawImage(this.image, 0, 0);
        this.sourcePixels = context.getImageData(0, 0, width, height);
        // Reused by every later change: a 12 MP photo is 48 MB of pixels, not to be reallocated per slider frame.
        this.adjustedPixels = new ImageData(width, height);
      }
      applyLut(this.sourcePixels.data, this.adjustedPixels!.data, adjustLut(adjust));
      this.adjustedCanvas.getContext('2d')!.putImageData(this.adjustedPixels!, 0, 0);
      this.imageNode.image(this.adjustedCanvas);
    }
    this.imageLayer.batchDraw();
    // The adjustment on screen, readable by end-to-end tests.
    this.container.dataset.imageAdjust = `${adjust.brightness},${adjust.contrast},${adjust.gamma}`;
  }

  private resize(): void {
    const width = Math.max(1, this.container.clientWidth);
    const height = Math.max(1, this.container.clientHeight);
    if (width === this.stage.width() && height === this.stage.height()) return;
    this.stage.size({ width, height });
    this.editor.resize(width, height);
  }

  private scheduleView(): void {
    if (this.viewFrame) return;
    this.viewFrame = requestAnimationFrame(() => {
      this.viewFrame = 0;
      this.renderView();
    });
  }

  /** After zoom, pan, resize or a class recolour: lay the image out and re-colour the whole label view. */
  private renderView(): void {
    const { view, labelView } = this.editor;
    this.imageNode.position({ x: view.tx, y: view.ty });
    this.imageNode.scale({ x: view.scale, y: view.scale });
    // Smooth the photo when zoomed out; show its pixels as squares when zoomed in, like the labels.
    this.imageLayer.imageSmoothingEnabled(view.scale < 2);
    labelView.layout(view);
    if (this.labelCanvas.width !== labelView.width || this.labelCanvas.height !== labelView.height || !this.imageData || this.imageData.data.buffer !== labelView.pixels.buffer) {
      this.labelCanvas.width = labelView.width;
      this.labelCanvas.height = labelView.height;
      this.imageData = new ImageData(new Uint8ClampedArray(labelView.pixels.buffer as ArrayBuffer), labelView.width, labelView.height);
      this.labelNode.size({ width: labelView.width, height: labelView.height });
    }
    this.labelContext.putImageData(this.imageData, 0, 0);
    this.outlinesFor = null;
    this.updateOutlines();
    this.labelLayer.visible(this.editor.labelsVisible);
    this.labelLayer.opacity(this.editor.opacity);
    this.renderPrediction(true);
    this.stage.batchDraw();
    this.drawOverlay();
    // The view transform, readable by end-to-end tests that aim at image pixels.
    Object.assign(this.container.dataset, { scale: String(view.scale), tx: String(view.tx), ty: String(view.ty) });
  }

  /** Re-renders the prediction layer for the current view (`full`) or only redraws it, with its visibility and opacity. */
  private renderPrediction(full: boolean): void {
    const pv = this.editor.predictionView;
    if (pv && this.editor.prediction && full) {
      pv.layout(this.editor.view);
      if (this.predictionCanvas.width !== pv.width || this.predictionCanvas.height !== pv.height || this.predictionData?.data.buffer !== pv.pixels.buffer) {
        this.predictionCanvas.width = pv.width;
        this.predictionCanvas.height = pv.height;
        this.predictionData = new ImageData(new Uint8ClampedArray(pv.pixels.buffer as ArrayBuffer), pv.width, pv.height);
        this.predictionNode.size({ width: pv.width, height: pv.height });
      }
      this.predictionCanvas.getContext('2d')!.putImageData(this.predictionData!, 0, 0);
    }
    this.syncPredictionLayer();
    this.predictionLayer.batchDraw();
  }

  private syncPredictionLayer(): void {
    const p = this.editor.getSnapshot().prediction;
    const visible = !!p?.visible;
    const changed = visible !== this.predictionLayer.visible() || (p && p.opacity !== this.predictionLayer.opacity());
    this.predictionLayer.visible(visible);
    if (p) this.predictionLayer.opacity(p.opacity);
    if (changed) this.predictionLayer.batchDraw();
    // What the layer shows, readable by end-to-end tests and screenshots' readers.
    this.container.dataset.prediction = visible ? p!.view : 'off';
  }

  private drawOverlay(): void {
    const editor = this.editor;
    const { view, settings } = editor;
    const tool = editor.effectiveTool;
    const brushLike = tool === 'brush' || tool === 'eraser' || tool === 'superpixel';
    const showRound = brushLike && !!this.pointer && settings.brushShape === 'round';
    const showSquare = brushLike && !!this.pointer && settings.brushShape === 'square';
    if (this.pointer && brushLike) {
      const [mx, my] = view.toMask(this.pointer.sx, this.pointer.sy);
      const [cx, cy] = brushCentre(mx, my, settings.brushSize);
      const [sx, sy] = view.toScreen(cx, cy);
      const r = Math.max(1.5, (settings.brushSize * view.scale) / 2);
      for (const c of [this.cursorRound, this.cursorRoundShadow]) c.setAttrs({ x: sx, y: sy, radius: r });
      for (const c of [this.cursorSquare, this.cursorSquareShadow]) c.setAttrs({ x: sx - r, y: sy - r, width: 2 * r, height: 2 * r });
      this.cursorRoundShadow.radius(r + 1);
      this.cursorSquareShadow.setAttrs({ x: sx - r - 1, y: sy - r - 1, width: 2 * r + 2, height: 2 * r + 2 });
    }
    this.cursorRound.visible(showRound);
    this.cursorRoundShadow.visible(showRound);
    this.cursorSquare.visible(showSquare);
    this.cursorSquareShadow.visible(showSquare);
    const shape = editor.overlay();
    const points = shape ? shape.points.map((v, i) => (i % 2 === 0 ? v * view.scale + view.tx : v * view.scale + view.ty)) : [];
    this.polygon.points(points);
    this.polygon.closed(shape?.closed ?? false);
    this.polygon.visible(points.length >= 4);
    this.polygonFill.points(points);
    this.polygonFill.visible(points.length >= 6);
    this.overlayLayer.batchDraw();
  }

  /** Draws superpixel outlines when the superpixel brush is active and they are ready (once per view). */
  private updateOutlines(): void {
    const sp = this.editor.superpixelData;
    const show = this.editor.tool === 'superpixel' && sp !== null;
    this.outlineLayer.visible(show);
    if (!show) return;
    const { view, labelView } = this.editor;
    const key = `${view.scale}:${view.tx}:${view.ty}:${labelView.width}:${labelView.height}`;
    // Drawn again for a new view, or for new superpixels (another size).
    if (this.outlinesFor === key && this.outlinesOf === sp) return;
    this.outlinesFor = key;
    this.outlinesOf = sp;
    this.outlineCanvas.width = labelView.width;
    this.outlineCanvas.height = labelView.height;
    const pixels = labelView.outlines(sp.labels, 0xffffffff);
    this.outlineCanvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer), labelView.width, labelView.height), 0, 0);
    this.outlineNode.size({ width: labelView.width, height: labelView.height });
    this.outlineLayer.batchDraw();
  }

  private updateCursorStyle(): void {
    const tool = this.editor.effectiveTool;
    const brushLike = tool === 'brush' || tool === 'eraser' || tool === 'superpixel';
    const outlinesShown = this.outlineLayer.visible();
    this.updateOutlines();
    if (outlinesShown !== this.outlineLayer.visible()) this.outlineLayer.batchDraw();
    this.container.style.cursor = tool === 'pan' ? (this.editor.getSnapshot().toolState === 'dragging' ? 'grabbing' : 'grab') : brushLike ? 'none' : 'crosshair';
    this.drawOverlay();
  }

  private listen(): void {
    const el = this.container;
    const at = (e: PointerEvent | MouseEvent) => {
      const box = el.getBoundingClientRect();
      return { sx: e.clientX - box.left, sy: e.clientY - box.top };
    };
    const mods = (e: PointerEvent) => ({ button: e.button, shift: e.shiftKey, alt: e.altKey, ctrl: e.ctrlKey || e.metaKey });
    const down = (e: PointerEvent) => {
      if (e.button !== 0 && e.button !== 1) return;
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      el.focus({ preventScroll: true });
      const p = at(e);
      this.pointer = p;
      this.editor.pointerDown(p.sx, p.sy, mods(e));
    };
    const move = (e: PointerEvent) => {
      // Coalesced events carry every position the pointer passed since the last frame.
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const c of events.length ? events : [e]) {
        const p = at(c);
        this.pointer = p;
        this.editor.pointerMove(p.sx, p.sy, mods(e));
      }
    };
    const up = (e: PointerEvent) => {
      const p = at(e);
      this.editor.pointerUp(p.sx, p.sy, mods(e));
      if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    };
    const leave = () => {
      this.pointer = null;
      this.drawOverlay();
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const p = at(e);
      const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      this.editor.zoomAt(Math.exp(-delta * (e.ctrlKey ? 0.01 : 0.0015)), p.sx, p.sy);
    };
    const dbl = () => this.editor.doubleClick();
    const menu = (e: Event) => e.preventDefault();
    el.addEventListener('pointerdown', down);
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    el.addEventListener('pointerleave', leave);
    el.addEventListener('wheel', wheel, { passive: false });
    el.addEventListener('dblclick', dbl);
    el.addEventListener('contextmenu', menu);
    this.cleanups.push(() => {
      el.removeEventListener('pointerdown', down);
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      el.removeEventListener('pointerleave', leave);
      el.removeEventListener('wheel', wheel);
      el.removeEventListener('dblclick', dbl);
      el.removeEventListener('contextmenu', menu);
    });
  }
}
