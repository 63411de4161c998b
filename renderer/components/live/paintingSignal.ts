/**
 * Whether the user is painting on the label canvas, told to Live once per change: pressed on the
 * canvas → true, released anywhere (or the window lost focus) → false. Live trains no step while
 * it is true, so a stroke never competes with training for the CPU.
 */
export class PaintingSignal {
  private painting = false;

  constructor(
    private readonly send: (painting: boolean) => void,
    /** Whether a pointer-down target is the label canvas (not the tool rail, not a dialog). */
    private readonly onCanvas: (target: EventTarget | null) => boolean,
  ) {}

  down(target: EventTarget | null): void {
    if (this.onCanvas(target)) this.set(true);
  }

  up(): void {
    this.set(false);
  }

  private set(painting: boolean): void {
    if (this.painting === painting) return;
    this.painting = painting;
    this.send(painting);
  }
}
