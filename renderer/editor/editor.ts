import type { LabelClass } from '../../shared/domain/classes';
import type { MaskRect } from '../../shared/mask/maskRect';
import { paintPolygon } from '../../shared/mask/polygonRegion';
import type { SuperpixelSize, Superpixels } from '../../shared/mask/slic';
import { History } from './history';
import { chordOf, DEFAULT_KEYMAP, keyLookup, type EditorAction, type KeyBinding, type KeyLike } from './keymap';
import { colourTable, LabelView } from './labelView';
import { LabelMaskDocument } from './maskDocument';
import {
  acceptInto,
  CONFIDENCE_LUT,
  ERROR_LUT,
  fillPredictionView,
  predictedCounts,
  PREDICTION_VIEWS,
  type AcceptFilter,
  type ImagePrediction,
  type PredictionView,
} from './predictionReview';
import { BrushTool } from './tools/brushTool';
import { FillTool } from './tools/fillTool';
import { PanTool } from './tools/panTool';
import { PolygonTool } from './tools/polygonTool';
import { SuperpixelTool } from './tools/superpixelTool';
import type { Tool, ToolContext, ToolId, ToolPointer, ToolSettings } from './tools/tool';
import { Viewport } from './viewport';

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 500;

/** What panels show; a new object whenever something in it changes (for useSyncExternalStore). */
export interface EditorSnapshot {
  tool: ToolId;
  toolState: string;
  settings: ToolSettings;
  labelsVisible: boolean;
  opacity: number;
  scale: number;
  canUndo: boolean;
  canRedo: boolean;
  /** Pixels per mask value (index 255 = unlabeled). */
  counts: Float64Array;
  cursor: { x: number; y: number; value: number } | null;
  message: string | null;
  superpixels: 'none' | 'computing' | 'ready';
  prediction: PredictionSnapshot | null;
}

/** The prediction layer as panels show it (null in the snapshot: this image has no stored prediction). */
export interface PredictionSnapshot {
  summary: ImagePrediction['summary'];
  visible: boolean;
  view: PredictionView;
  opacity: number;
  /** Accept and preview only pixels at least this confident (0..1). */
  threshold: number;
  /** Accept and preview only this predicted class; null: all. */
  classValue: number | null;
  /** Pixels per predicted class value. */
  counts: Float64Array;
}

export interface EditorOptions {
  width: number;
  height: number;
  values?: Uint8Array;
  classes?: readonly LabelClass[];
  keymap?: readonly KeyBinding[];
  isMac?: boolean;
  historyBytes?: number;
  /** Called after every committed edit, undo and redo (autosave listens). */
  onEdit?(): void;
  /** Keys that belong to the screen around the editor (navigation, done, help). */
  onAction?(action: EditorAction): void;
  /** Asked once when a tool first needs superpixels of a size (and again when the size changes). */
  requestSuperpixels?(size: SuperpixelSize): void;
  /** After an accept of the prediction was committed (the image then needs a person's review). */
  onAccept?(pixels: number): void;
}

type PointerInput = Omit<ToolPointer, 'x' | 'y'>;

/**
 * The label editor without any UI framework: mask, history, tools, view and keymap. A canvas view
 * forwards pointer and key events here and draws what it reports; React panels read snapshots.
 */
export class Editor {
  readonly doc: LabelMaskDocument;
  readonly history: History;
  readonly view: Viewport;
  readonly labelView: LabelView;
  settings: ToolSettings = { classValue: 0, brushSize: 20, brushShape: 'round', protect: false, fillMode: 'label', fillTolerance: 24, superpixelSize: 'medium', acceptRegion: false };
  labelsVisible = true;
  opacity = 0.55;
  private readonly tools: Record<ToolId, Tool>;
  private activeTool: ToolId = 'brush';
  private gestureTool: Tool | null = null;
  private spaceHeld = false;
  private classes: LabelClass[] = [];
  private keys: Map<string, EditorAction>;
  private cursor: EditorSnapshot['cursor'] = null;
  private message: string | null = null;
  private rgba: Uint8ClampedArray | null = null;
  private sp: Superpixels | null = null;
  private spRequested = false;
  private snapshot: EditorSnapshot | null = null;
  private readonly stateListeners = new Set<() => void>();
  private readonly viewListeners = new Set<() => void>();
  private readonly overlayListeners = new Set<() => void>();
  private readonly predictionListeners = new Set<(rect: MaskRect | null) => void>();
  private predictionData: ImagePrediction | null = null;
  private predictionState: Omit<PredictionSnapshot, 'summary' | 'counts'> = { visible: true, view: 'prediction', opacity: 0.6, threshold: 0, classValue: null };
  private predictionCounts: Float64Array = new Float64Array(256);
  /** What the prediction layer draws (see fillPredictionView); `predictionView` renders it like the labels. */
  private predictionBuffer = new Uint8Array(1);
  predictionView: LabelView | null = null;
  /** Prediction pixels written by the edit in progress (a brush accepting by region). */
  private acceptedPixels = 0;

  constructor(private readonly o: EditorOptions) {
    this.doc = new LabelMaskDocument(o.width, o.height, o.values);
    this.history = new History(o.historyBytes);
    this.view = new Viewport(o.width, o.height);
    this.labelView = new LabelView(this.doc.values, o.width, o.height, colourTable(o.classes ?? []));
    this.keys = keyLookup(o.keymap ?? DEFAULT_KEYMAP, o.isMac);
    const ctx = this.toolContext();
    this.tools = {
      brush: new BrushTool('brush', ctx),
      eraser: new BrushTool('eraser', ctx),
      fill: new FillTool(ctx),
      polygon: new PolygonTool(ctx),
      superpixel: new SuperpixelTool(ctx),
      pan: new PanTool(ctx),
    };
    if (o.classes) this.setClasses(o.classes);
    // The errors view compares with the label: it follows every edit, undo and redo.
    this.doc.onDirty((rect) => {
      if (this.predictionData && this.predictionState.view === 'errors') this.refillPrediction(rect);
    });
  }

  // ---------- state for panels ----------

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  getSnapshot = (): EditorSnapshot => {
    this.snapshot ??= {
      tool: this.activeTool,
      toolState: (this.gestureTool ?? this.tools[this.activeTool]).state,
      settings: { ...this.settings },
      labelsVisible: this.labelsVisible,
      opacity: this.opacity,
      scale: this.view.scale,
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      counts: Float64Array.from(this.doc.counts),
      cursor: this.cursor && { ...this.cursor, value: this.doc.values[this.cursor.y * this.doc.width + this.cursor.x] },
      message: this.message,
      superpixels: this.sp ? 'ready' : this.spRequested ? 'computing' : 'none',
      prediction: this.predictionData && { ...this.predictionState, summary: this.predictionData.summary, counts: this.predictionCounts },
    };
    return this.snapshot;
  };

  onViewChange(listener: () => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  onOverlayChange(listener: () => void): () => void {
    this.overlayListeners.add(listener);
    return () => this.overlayListeners.delete(listener);
  }

  onDirty(listener: (rect: MaskRect) => void): () => void {
    return this.doc.onDirty(listener);
  }

  /** The prediction layer needs redrawing: in `rect` (mask coordinates), or everywhere (null). */
  onPredictionChange(listener: (rect: MaskRect | null) => void): () => void {
    this.predictionListeners.add(listener);
    return () => this.predictionListeners.delete(listener);
  }

  private changed(): void {
    this.snapshot = null;
    for (const l of this.stateListeners) l();
  }

  private viewChanged(): void {
    this.changed();
    for (const l of this.viewListeners) l();
  }

  // ---------- configuration ----------

  setClasses(classes: readonly LabelClass[]): void {
    this.classes = [...classes].sort((a, b) => a.position - b.position);
    this.labelView.lut = colourTable(this.classes);
    if (this.predictionView && this.predictionState.view === 'prediction') this.predictionView.lut = this.labelView.lut;
    if (!this.classes.some((c) => c.value === this.settings.classValue) && this.classes.length) this.settings.classValue = this.classes[0].value;
    this.viewChanged();
  }

  get orderedClasses(): readonly LabelClass[] {
    return this.classes;
  }

  get tool(): ToolId {
    return this.activeTool;
  }

  /** The tool that handles the pointer now (Space or the middle button borrow the hand). */
  get effectiveTool(): ToolId {
    return this.gestureTool?.id ?? (this.spaceHeld ? 'pan' : this.activeTool);
  }

  setTool(id: ToolId): void {
    if (id === this.activeTool) return;
    this.tools[this.activeTool].cancel();
    this.activeTool = id;
    if (id === 'superpixel') this.superpixelsNeeded();
    this.message = null;
    this.changed();
    this.overlayChanged();
  }

  updateSettings(change: Partial<ToolSettings>): void {
    const resized = change.superpixelSize !== undefined && change.superpixelSize !== this.settings.superpixelSize;
    this.settings = { ...this.settings, ...change };
    if (change.brushSize !== undefined) this.settings.brushSize = clampSize(change.brushSize);
    if (resized) {
      // Superpixels of the old size no longer apply; the tool asks for the new ones.
      this.sp = null;
      this.spRequested = false;
      if (this.tool === 'superpixel') this.superpixelsNeeded();
    }
    this.changed();
    this.overlayChanged();
  }

  setClass(value: number): void {
    this.updateSettings({ classValue: value });
  }

  setLabelsVisible(visible: boolean): void {
    this.labelsVisible = visible;
    this.viewChanged();
  }

  setOpacity(opacity: number): void {
    this.opacity = Math.min(1, Math.max(0.05, Math.round(opacity * 100) / 100));
    this.viewChanged();
  }

  /** RGBA pixels of the image, for fills by colour. */
  setImagePixels(rgba: Uint8ClampedArray): void {
    this.rgba = rgba;
  }

  /** Superpixels computed for `size`; a late reply for a size no longer chosen is dropped. */
  setSuperpixels(sp: Superpixels, size: SuperpixelSize = this.settings.superpixelSize): void {
    if (size !== this.settings.superpixelSize) return;
    this.sp = sp;
    this.spRequested = true;
    if (this.message?.startsWith('Superpixels')) this.message = null;
    this.changed();
  }

  get superpixelData(): Superpixels | null {
    return this.sp;
  }

  // ---------- prediction review ----------

  get prediction(): ImagePrediction | null {
    return this.predictionData;
  }

  /** Shows a stored prediction of this image (null: none); the layer's settings stay as the user left them. */
  setPrediction(p: ImagePrediction | null): void {
    if (p && (p.values.length !== this.doc.values.length || p.confidence.length !== this.doc.values.length)) {
      throw new Error('the prediction does not have the size of this image');
    }
    this.predictionData = p;
    this.predictionCounts = p ? predictedCounts(p) : new Float64Array(256);
    if (p && this.predictionBuffer.length !== p.values.length) {
      this.predictionBuffer = new Uint8Array(p.values.length);
      this.predictionView = new LabelView(this.predictionBuffer, this.doc.width, this.doc.height, this.predictionLut());
    }
    this.refillPrediction(null);
    this.changed();
  }

  setPredictionVisible(visible: boolean): void {
    this.updatePrediction({ visible });
  }

  setPredictionView(view: PredictionView): void {
    this.updatePrediction({ view, visible: true });
  }

  setPredictionOpacity(opacity: number): void {
    this.updatePrediction({ opacity: Math.min(1, Math.max(0.05, Math.round(opacity * 100) / 100)) });
  }

  /** The accept filter's confidence threshold (0..1) and class; the layer previews what an accept takes. */
  setAcceptFilter(change: { threshold?: number; classValue?: number | null }): void {
    this.updatePrediction({ ...change, ...(change.threshold !== undefined && { threshold: Math.min(1, Math.max(0, change.threshold)) }) });
  }

  /**
   * Accepts the prediction into the label as ONE undoable edit (saved like a stroke): the whole
   * image or only unlabeled pixels, within the confidence threshold and class filter, and inside
   * `region` when given. Returns the pixels written (0: nothing to take, no history entry).
   */
  acceptPrediction(scope: AcceptFilter['scope'], region?: { mask: Uint8Array; bounds: MaskRect }): number {
    const p = this.predictionData;
    if (!p || this.gestureTool) return 0;
    this.tools[this.activeTool].cancel();
    const { threshold, classValue } = this.predictionState;
    const written = acceptInto(this.doc, p, { scope, minConfidence: Math.ceil(threshold * 255), classValue, region: region?.mask, regionBounds: region?.bounds });
    const diff = this.doc.commit(scope === 'all' ? 'Accept prediction' : 'Accept prediction where unlabeled');
    this.message = written ? null : 'Nothing to accept: the prediction adds no pixel here with these settings.';
    if (diff) {
      this.history.push(diff);
      this.edited();
      this.o.onAccept?.(written);
    } else this.changed();
    return written;
  }

  private updatePrediction(change: Partial<Editor['predictionState']>): void {
    const before = this.predictionState;
    this.predictionState = { ...before, ...change };
    if (change.view !== undefined && change.view !== before.view && this.predictionView) this.predictionView.lut = this.predictionLut();
    const contentChanged = change.view !== undefined || change.threshold !== undefined || change.classValue !== undefined;
    if (contentChanged) this.refillPrediction(null);
    else this.predictionChanged(null);
    this.changed();
  }

  private predictionLut(): Uint32Array {
    const view = this.predictionState.view;
    return view === 'confidence' ? CONFIDENCE_LUT : view === 'errors' ? ERROR_LUT : this.labelView.lut;
  }

  /** Recomputes the layer's buffer (in `rect`, or all) and asks for a redraw. */
  private refillPrediction(rect: MaskRect | null): void {
    const p = this.predictionData;
    if (!p) return this.predictionChanged(null);
    const { threshold, classValue, view } = this.predictionState;
    fillPredictionView(this.predictionBuffer, p, view, this.doc.values, { scope: 'all', minConfidence: Math.ceil(threshold * 255), classValue }, rect ?? undefined, this.doc.width);
    this.predictionChanged(rect);
  }

  private predictionChanged(rect: MaskRect | null): void {
    for (const l of this.predictionListeners) l(rect);
  }

  // ---------- view ----------

  resize(width: number, height: number): void {
    const first = this.view.viewWidth <= 1;
    this.view.resize(width, height);
    if (first) this.view.fit();
    this.viewChanged();
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    this.view.zoomAt(factor, sx, sy);
    this.viewChanged();
  }

  fit(): void {
    this.view.fit();
    this.viewChanged();
  }

  actualSize(): void {
    this.view.actualSize();
    this.viewChanged();
  }

  panBy(dx: number, dy: number): void {
    this.view.panBy(dx, dy);
    this.viewChanged();
  }

  // ---------- pointer ----------

  pointerDown(sx: number, sy: number, input: Partial<PointerInput> = {}): void {
    const p = this.pointer(sx, sy, input);
    if (this.gestureTool) return;
    const panning = p.button === 1 || this.spaceHeld || this.activeTool === 'pan';
    if (!panning && p.button !== 0) return;
    this.gestureTool = panning ? this.tools.pan : this.tools[this.activeTool];
    if (this.gestureTool.id === 'pan' && this.gestureTool !== this.tools[this.activeTool]) this.tools[this.activeTool].cancel();
    this.message = null;
    this.gestureTool.pointerDown(panning ? { ...p, button: 0 } : p);
    this.changed();
  }

  pointerMove(sx: number, sy: number, input: Partial<PointerInput> = {}): void {
    const p = this.pointer(sx, sy, input);
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    const inside = x >= 0 && y >= 0 && x < this.doc.width && y < this.doc.height;
    this.cursor = inside ? { x, y, value: this.doc.values[y * this.doc.width + x] } : null;
    (this.gestureTool ?? this.tools[this.activeTool]).pointerMove(p);
    this.snapshot = null;
    this.overlayChanged();
  }

  pointerUp(sx: number, sy: number, input: Partial<PointerInput> = {}): void {
    const tool = this.gestureTool;
    if (!tool) return;
    this.gestureTool = null;
    tool.pointerUp(this.pointer(sx, sy, { ...input, button: 0 }));
    this.changed();
  }

  /** Double click: finishes a polygon. */
  doubleClick(): void {
    this.tools[this.activeTool].complete?.();
  }

  /** The transient outline of the active tool, in mask coordinates. */
  overlay(): { points: number[]; closed: boolean } | null {
    return this.tools[this.activeTool].overlay?.() ?? null;
  }

  private pointer(sx: number, sy: number, input: Partial<PointerInput>): ToolPointer {
    const [x, y] = this.view.toMask(sx, sy);
    return { x, y, sx, sy, button: input.button ?? 0, shift: !!input.shift, alt: !!input.alt, ctrl: !!input.ctrl };
  }

  // ---------- history ----------

  undo(): boolean {
    if (this.gestureTool) return false;
    this.tools[this.activeTool].cancel();
    const diff = this.history.undo(this.doc);
    if (diff) this.edited();
    return !!diff;
  }

  redo(): boolean {
    if (this.gestureTool) return false;
    const diff = this.history.redo(this.doc);
    if (diff) this.edited();
    return !!diff;
  }

  /** Replaces the mask with a stored version (reload after a conflict); clears history. */
  replaceMask(values: Uint8Array): void {
    this.tools[this.activeTool].cancel();
    this.gestureTool = null;
    this.doc.replaceAll(values);
    this.history.clear();
    this.changed();
  }

  private edited(): void {
    this.changed();
    this.o.onEdit?.();
  }

  // ---------- keys ----------

  /** Handles a key press; true when it was the editor's (the caller then prevents the default). */
  keyDown(e: KeyLike): boolean {
    if (e.key === ' ') {
      if (!this.spaceHeld) {
        this.spaceHeld = true;
        this.changed();
      }
      return true;
    }
    const action = this.keys.get(chordOf(e, this.o.isMac));
    if (!action) return false;
    this.perform(action);
    return true;
  }

  keyUp(e: { key: string }): void {
    if (e.key === ' ' && this.spaceHeld) {
      this.spaceHeld = false;
      this.changed();
    }
  }

  /** Runs an action of the keymap (toolbar buttons call this too). */
  perform(action: EditorAction): void {
    const s = this.settings;
    const step = Math.max(1, Math.round(s.brushSize * 0.15));
    switch (action) {
      case 'tool.brush': return this.setTool('brush');
      case 'tool.eraser': return this.setTool('eraser');
      case 'tool.fill': return this.setTool('fill');
      case 'tool.polygon': return this.setTool('polygon');
      case 'tool.superpixel': return this.setTool('superpixel');
      case 'tool.pan': return this.setTool('pan');
      case 'brush.smaller': return this.updateSettings({ brushSize: s.brushSize - step });
      case 'brush.larger': return this.updateSettings({ brushSize: s.brushSize + step });
      case 'brush.shape': return this.updateSettings({ brushShape: s.brushShape === 'round' ? 'square' : 'round' });
      case 'labels.protect': return this.updateSettings({ protect: !s.protect });
      case 'labels.toggle': return this.setLabelsVisible(!this.labelsVisible);
      case 'labels.opacityDown': return this.setOpacity(this.opacity - 0.1);
      case 'labels.opacityUp': return this.setOpacity(this.opacity + 0.1);
      case 'view.fit': return this.fit();
      case 'view.actual': return this.actualSize();
      case 'view.zoomIn': return this.zoomAt(1.25, this.view.viewWidth / 2, this.view.viewHeight / 2);
      case 'view.zoomOut': return this.zoomAt(0.8, this.view.viewWidth / 2, this.view.viewHeight / 2);
      case 'prediction.toggle': return this.setPredictionVisible(!this.predictionState.visible);
      case 'prediction.view': {
        const next = PREDICTION_VIEWS[(PREDICTION_VIEWS.indexOf(this.predictionState.view) + 1) % PREDICTION_VIEWS.length];
        return this.setPredictionView(next);
      }
      case 'prediction.opacityDown': return this.setPredictionOpacity(this.predictionState.opacity - 0.1);
      case 'prediction.opacityUp': return this.setPredictionOpacity(this.predictionState.opacity + 0.1);
      case 'prediction.acceptUnlabeled': return void this.acceptPrediction('unlabeled');
      case 'prediction.acceptAll': return void this.acceptPrediction('all');
      case 'prediction.lasso':
        // On: the lasso accepts (and so does the brush, once picked); again on the lasso: off.
        if (this.activeTool === 'polygon' && s.acceptRegion) return this.updateSettings({ acceptRegion: false });
        this.setTool('polygon');
        return this.updateSettings({ acceptRegion: true });
      case 'history.undo': return void this.undo();
      case 'history.redo': return void this.redo();
      case 'gesture.complete': return this.tools[this.activeTool].complete?.();
      case 'gesture.back': return this.tools[this.activeTool].stepBack?.();
      case 'gesture.cancel':
        this.tools[this.activeTool].cancel();
        return this.o.onAction?.(action);
      default:
        if (action.startsWith('class.')) {
          const c = this.classes[Number(action.slice(6))];
          if (c) this.setClass(c.value);
          return;
        }
        this.o.onAction?.(action);
    }
  }

  // ---------- accounting ----------

  /** Bytes the editor holds for this image beyond the decoded picture (mask, history, label view, superpixels). */
  memoryBytes(): number {
    return this.doc.values.byteLength + this.doc.overheadBytes + this.history.bytes + this.labelView.pixels.byteLength + (this.sp ? this.sp.labels.byteLength + this.sp.bounds.byteLength : 0);
  }

  private superpixelsNeeded(): void {
    if (this.sp || this.spRequested) return;
    this.spRequested = true;
    this.o.requestSuperpixels?.(this.settings.superpixelSize);
  }

  private overlayChanged(): void {
    for (const l of this.overlayListeners) l();
  }

  private toolContext(): ToolContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- tools see the editor through this narrow interface.
    const editor = this;
    return {
      get doc() {
        return editor.doc;
      },
      get settings() {
        return editor.settings;
      },
      get scale() {
        return editor.view.scale;
      },
      setBrushSize: (size) => editor.updateSettings({ brushSize: size }),
      commitEdit: (label) => {
        const accepted = editor.acceptedPixels;
        editor.acceptedPixels = 0;
        const diff = editor.doc.commit(label);
        if (!diff) return;
        editor.history.push(diff);
        editor.edited();
        if (accepted) editor.o.onAccept?.(accepted);
      },
      panBy: (dx, dy) => editor.panBy(dx, dy),
      imagePixels: () => editor.rgba,
      superpixels: () => {
        editor.superpixelsNeeded();
        return editor.sp;
      },
      notify: (message) => {
        editor.message = message;
        editor.changed();
      },
      overlayChanged: () => editor.overlayChanged(),
      acceptInRegion: (region, bounds, unlabeledOnly) => {
        const p = editor.predictionData;
        if (!p) {
          editor.message = 'No prediction for this image yet: predict it first, then brush over what to accept.';
          editor.changed();
          return false;
        }
        const { threshold, classValue } = editor.predictionState;
        editor.acceptedPixels += acceptInto(editor.doc, p, { scope: unlabeledOnly ? 'unlabeled' : 'all', minConfidence: Math.ceil(threshold * 255), classValue, region, regionBounds: bounds });
        return true;
      },
      acceptInPolygon: (points) => {
        if (!editor.predictionData) {
          editor.message = 'No prediction for this image yet: predict it first, then lasso what to accept.';
          return editor.changed();
        }
        const mask = new Uint8Array(editor.doc.values.length);
        const bounds = paintPolygon(mask, editor.doc.width, editor.doc.height, points, 1, false);
        editor.acceptPrediction('all', { mask, bounds });
      },
    };
  }
}

function clampSize(size: number): number {
  return Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, Math.round(size)));
}
