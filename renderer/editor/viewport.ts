/** The view transform: screen = mask × scale + offset. Zoom keeps the point under the cursor still. */
export class Viewport {
  scale = 1;
  tx = 0;
  ty = 0;
  viewWidth = 1;
  viewHeight = 1;
  static readonly MIN_SCALE = 1 / 64;
  static readonly MAX_SCALE = 64;

  constructor(
    readonly imageWidth: number,
    readonly imageHeight: number,
  ) {}

  resize(width: number, height: number): void {
    this.viewWidth = Math.max(1, Math.floor(width));
    this.viewHeight = Math.max(1, Math.floor(height));
  }

  toMask(sx: number, sy: number): [number, number] {
    return [(sx - this.tx) / this.scale, (sy - this.ty) / this.scale];
  }

  toScreen(x: number, y: number): [number, number] {
    return [x * this.scale + this.tx, y * this.scale + this.ty];
  }

  /** Whole image in view, centred, with a small margin. */
  fit(): void {
    const margin = 24;
    const s = Math.min((this.viewWidth - margin * 2) / this.imageWidth, (this.viewHeight - margin * 2) / this.imageHeight);
    this.scale = clamp(s > 0 ? s : 1, Viewport.MIN_SCALE, Viewport.MAX_SCALE);
    this.centre();
  }

  /** One image pixel per screen pixel, centred on the view's centre point. */
  actualSize(): void {
    this.zoomTo(1, this.viewWidth / 2, this.viewHeight / 2);
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    this.zoomTo(this.scale * factor, sx, sy);
  }

  zoomTo(scale: number, sx: number, sy: number): void {
    const [mx, my] = this.toMask(sx, sy);
    this.scale = clamp(scale, Viewport.MIN_SCALE, Viewport.MAX_SCALE);
    // Whole screen pixels for the offset keep image and label pixels on the same grid.
    this.tx = Math.round(sx - mx * this.scale);
    this.ty = Math.round(sy - my * this.scale);
  }

  panBy(dx: number, dy: number): void {
    this.tx = Math.round(this.tx + dx);
    this.ty = Math.round(this.ty + dy);
  }

  private centre(): void {
    this.tx = Math.round((this.viewWidth - this.imageWidth * this.scale) / 2);
    this.ty = Math.round((this.viewHeight - this.imageHeight * this.scale) / 2);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
