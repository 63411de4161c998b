import type { BrushShape } from '../../../shared/mask/brushStroke';
import type { FloodMode } from '../../../shared/mask/floodFill';
import type { Superpixels } from '../../../shared/mask/slic';
import type { MaskRect } from '../../../shared/mask/maskRect';
import type { LabelMaskDocument } from '../maskDocument';
import type { SuperpixelSize } from '../../../shared/mask/slic';

export type ToolId = 'brush' | 'eraser' | 'fill' | 'polygon' | 'superpixel' | 'pan';

/** A pointer event as tools see it: mask coordinates (x, y) and screen coordinates (sx, sy). */
export interface ToolPointer {
  x: number;
  y: number;
  sx: number;
  sy: number;
  button: number;
  shift: boolean;
  alt: boolean;
  ctrl: boolean;
}

export interface ToolSettings {
  classValue: number;
  brushSize: number;
  brushShape: BrushShape;
  /** Paint only unlabeled pixels (holding Shift while painting flips it for that stroke). */
  protect: boolean;
  fillMode: FloodMode;
  fillTolerance: number;
  /** How large the superpixel brush's superpixels are. */
  superpixelSize: SuperpixelSize;
  /** The brush and the polygon / lasso accept the model's prediction where they pass instead of painting a class. */
  acceptRegion: boolean;
}

/** What tools may use of the editor: the mask, the settings, and a way to commit an edit. */
export interface ToolContext {
  readonly doc: LabelMaskDocument;
  readonly settings: ToolSettings;
  /** Screen pixels per mask pixel. */
  readonly scale: number;
  setBrushSize(size: number): void;
  /** Ends the current edit as one history entry (and schedules a save). */
  commitEdit(label: string): void;
  panBy(dx: number, dy: number): void;
  /** RGBA image pixels, or null while they are not decoded yet. */
  imagePixels(): Uint8ClampedArray | null;
  /** Superpixels of the image, or null while they are being computed (asks for them). */
  superpixels(): Superpixels | null;
  /** Something the tool wants shown (a hint, a reason nothing happened). */
  notify(message: string): void;
  /** The tool's transient drawing (polygon outline) changed. */
  overlayChanged(): void;
  /** Accepts the prediction inside a closed polygon (mask coordinates, flat x,y pairs) as one edit. */
  acceptInPolygon(points: readonly number[]): void;
  /**
   * Writes the prediction where `region` ≠ 0 within `bounds` into the edit in progress (a brush
   * stroke, committed at pointer-up); `unlabeledOnly` keeps existing labels. False: no prediction.
   */
  acceptInRegion(region: Uint8Array, bounds: MaskRect, unlabeledOnly: boolean): boolean;
}

/**
 * A tool is a small state machine (tldraw's model): it reacts to pointer events according to its
 * state, and an edit starts at pointer-down and is committed as one history entry when it ends.
 */
export interface Tool {
  readonly id: ToolId;
  readonly state: string;
  pointerDown(p: ToolPointer): void;
  pointerMove(p: ToolPointer): void;
  pointerUp(p: ToolPointer): void;
  /** Escape, tool switch, image switch: abandon whatever is in progress. */
  cancel(): void;
  /** Enter: finish a multi-click gesture (polygon). */
  complete?(): void;
  /** Backspace: step back inside a gesture (polygon vertex). */
  stepBack?(): void;
  /** Transient geometry to draw over the mask (polygon vertices in mask coordinates). */
  overlay?(): { points: number[]; closed: boolean } | null;
}
