import { hexToRgb } from '../../shared/domain/classes';
import { isEmptyRect, type MaskRect } from '../../shared/mask/maskRect';
import type { Viewport } from './viewport';

/** A packed RGBA colour (little-endian, as a Uint32Array over ImageData sees it) per mask value. */
export function colourTable(classes: readonly { value: number; color: string }[]): Uint32Array {
  const lut = new Uint32Array(256);
  // Values that are no class (a class deleted elsewhere) show as grey rather than vanishing.
  lut.fill(pack(128, 128, 128, 255));
  lut[255] = 0;
  for (const c of classes) {
    const [r, g, b] = hexToRgb(c.color);
    lut[c.value] = pack(r, g, b, 255);
  }
  return lut;
}

function pack(r: number, g: number, b: number, a: number): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** A rectangle in screen pixels that a render changed. */
export interface ScreenRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The label layer rendered at screen resolution for the current view, nearest-neighbour (each
 * screen pixel shows exactly one mask value: no smoothing when zoomed in). Memory is one screen's
 * RGBA, whatever the image size; a mask change re-colours only the screen pixels it covers.
 */
export class LabelView {
  pixels: Uint32Array<ArrayBuffer> = new Uint32Array(1);
  width = 1;
  height = 1;
  private colX = new Int32Array(1);
  private rowY = new Int32Array(1);

  constructor(
    private readonly values: Uint8Array,
    private readonly maskWidth: number,
    private readonly maskHeight: number,
    public lut: Uint32Array,
  ) {}

  /** Re-maps the whole view (after zoom, pan or resize) and re-colours it. */
  layout(view: Viewport): ScreenRect {
    if (this.width !== view.viewWidth || this.height !== view.viewHeight) {
      this.width = view.viewWidth;
      this.height = view.viewHeight;
      this.pixels = new Uint32Array(this.width * this.height);
      this.colX = new Int32Array(this.width);
      this.rowY = new Int32Array(this.height);
    }
    // Which mask column/row each screen column/row samples (its centre), -1 outside the image.
    for (let sx = 0; sx < this.width; sx++) {
      const x = Math.floor((sx + 0.5 - view.tx) / view.scale);
      this.colX[sx] = x >= 0 && x < this.maskWidth ? x : -1;
    }
    for (let sy = 0; sy < this.height; sy++) {
      const y = Math.floor((sy + 0.5 - view.ty) / view.scale);
      this.rowY[sy] = y >= 0 && y < this.maskHeight ? y : -1;
    }
    return this.paint(0, 0, this.width, this.height);
  }

  /** Re-colours the screen pixels that show mask rectangle `r`; returns them (null when off screen). */
  update(r: MaskRect, view: Viewport): ScreenRect | null {
    if (isEmptyRect(r)) return null;
    const sx0 = Math.max(0, Math.floor(r.x0 * view.scale + view.tx));
    const sy0 = Math.max(0, Math.floor(r.y0 * view.scale + view.ty));
    const sx1 = Math.min(this.width, Math.ceil(r.x1 * view.scale + view.tx));
    const sy1 = Math.min(this.height, Math.ceil(r.y1 * view.scale + view.ty));
    if (sx1 <= sx0 || sy1 <= sy0) return null;
    return this.paint(sx0, sy0, sx1, sy1);
  }

  /**
   * Superpixel outlines for the current layout (call after `layout`): a screen pixel is an
   * outline where the superpixel it shows differs from the one to its right or below.
   */
  outlines(ids: Uint16Array, colour: number): Uint32Array<ArrayBuffer> {
    const { colX, rowY, width, height, maskWidth } = this;
    const out = new Uint32Array(width * height);
    const idAt = (sx: number, sy: number) => {
      const x = colX[sx];
      const y = rowY[sy];
      return x < 0 || y < 0 ? -1 : ids[y * maskWidth + x];
    };
    for (let sy = 0; sy < height; sy++)
      for (let sx = 0; sx < width; sx++) {
        const id = idAt(sx, sy);
        if (id < 0) continue;
        if ((sx + 1 < width && idAt(sx + 1, sy) !== id) || (sy + 1 < height && idAt(sx, sy + 1) !== id)) out[sy * width + sx] = colour;
      }
    return out;
  }

  private paint(sx0: number, sy0: number, sx1: number, sy1: number): ScreenRect {
    const { pixels, colX, rowY, values, lut, width, maskWidth } = this;
    for (let sy = sy0; sy < sy1; sy++) {
      const y = rowY[sy];
      const out = sy * width;
      if (y < 0) {
        pixels.fill(0, out + sx0, out + sx1);
        continue;
      }
      const row = y * maskWidth;
      for (let sx = sx0; sx < sx1; sx++) {
        const x = colX[sx];
        pixels[out + sx] = x < 0 ? 0 : lut[values[row + x]];
      }
    }
    return { x: sx0, y: sy0, width: sx1 - sx0, height: sy1 - sy0 };
  }
}
