/**
 * Runs in headless Chromium (bundled by editor.bench.ts): drives the real editor core on a
 * 4000×3000 mask with synthetic pointer events and times it, with the label layer rendered
 * incrementally into a canvas exactly as the app's canvas view does.
 */
// eslint-disable-next-line no-restricted-imports -- this page *is* the renderer's editor core under test, bundled for the browser.
import { Editor } from '../../renderer/editor/editor';

const W = 4000;
const H = 3000;
const CLASSES = [
  { id: 1, value: 0, name: 'background', color: '#202020', position: 0 },
  { id: 2, value: 1, name: 'road', color: '#ff0000', position: 1 },
  { id: 3, value: 7, name: 'car', color: '#00ff00', position: 2 },
];

export interface EditorBenchResult {
  baselinePutImageDataMs: number;
  pointerMoveP95Ms: number;
  pointerMoveMedianMs: number;
  strokeCommitMs: number;
  undoMs: number;
  floodFill6mpMs: number;
  floodFillPixels: number;
  bytesPerPixel: number;
  historyBytes: number;
  moves: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

/** The canvas view's incremental path: re-colour the dirty screen rectangle, put it into the label canvas. */
function attachRenderer(editor: Editor): () => void {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d')!;
  editor.labelView.layout(editor.view);
  canvas.width = editor.labelView.width;
  canvas.height = editor.labelView.height;
  const image = new ImageData(new Uint8ClampedArray(editor.labelView.pixels.buffer), editor.labelView.width, editor.labelView.height);
  context.putImageData(image, 0, 0);
  return editor.onDirty((rect) => {
    const r = editor.labelView.update(rect, editor.view);
    if (r) context.putImageData(image, 0, 0, r.x, r.y, r.width, r.height);
  });
}

function baselinePutImageData(): number {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const context = canvas.getContext('2d')!;
  const frame = new ImageData(W, H);
  new Uint32Array(frame.data.buffer).fill(0x800000ff);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    context.putImageData(frame, 0, 0);
    context.getImageData(0, 0, 1, 1); // forces the copy to complete
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function run(): Promise<EditorBenchResult> {
  const baselinePutImageDataMs = baselinePutImageData();

  const editor = new Editor({ width: W, height: H, classes: CLASSES });
  editor.resize(1440, 900);
  const detach = attachRenderer(editor);
  editor.updateSettings({ brushSize: 40, classValue: 1 });

  const moves: number[] = [];
  const commits: number[] = [];
  const undos: number[] = [];
  for (let round = 0; round < 6; round++) {
    // 300 pointer positions sweeping the image (about 12 image pixels apart at this zoom).
    const points = Array.from({ length: 300 }, (_, i) => {
      const x = 150 + (i / 299) * 3700;
      const y = 400 + round * 400 + Math.sin(i / 25) * 300;
      return editor.view.toScreen(x, y);
    });
    editor.pointerDown(points[0][0], points[0][1]);
    for (let i = 1; i < points.length - 1; i++) {
      const t0 = performance.now();
      editor.pointerMove(points[i][0], points[i][1]);
      moves.push(performance.now() - t0);
    }
    const last = points[points.length - 1];
    let t0 = performance.now();
    editor.pointerUp(last[0], last[1]);
    commits.push(performance.now() - t0);
    if (round % 2 === 1) {
      t0 = performance.now();
      editor.undo();
      undos.push(performance.now() - t0);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  const bytesPerPixel = (editor.memoryBytes() - editor.labelView.pixels.byteLength) / (W * H);
  const historyBytes = editor.history.bytes;
  detach();

  // Flood fill: the left half (6 megapixels) unlabeled, the right half labeled.
  const values = new Uint8Array(W * H).fill(255);
  for (let y = 0; y < H; y++) values.fill(0, y * W + W / 2, (y + 1) * W);
  const filler = new Editor({ width: W, height: H, classes: CLASSES, values });
  filler.resize(1440, 900);
  const detachFill = attachRenderer(filler);
  filler.setTool('fill');
  filler.updateSettings({ classValue: 7 });
  const fills: number[] = [];
  let floodFillPixels = 0;
  for (let i = 0; i < 4; i++) {
    const [sx, sy] = filler.view.toScreen(1000, 1500);
    const before = filler.doc.counts[7];
    const t0 = performance.now();
    filler.pointerDown(sx, sy);
    filler.pointerUp(sx, sy);
    fills.push(performance.now() - t0);
    floodFillPixels = filler.doc.counts[7] - before;
    filler.undo();
    await new Promise((r) => setTimeout(r, 0));
  }
  detachFill();

  return {
    baselinePutImageDataMs,
    pointerMoveP95Ms: percentile(moves, 0.95),
    pointerMoveMedianMs: median(moves),
    strokeCommitMs: median(commits),
    undoMs: median(undos),
    // The first fill pays for JIT warm-up; report the median of the rest.
    floodFill6mpMs: median(fills.slice(1)),
    floodFillPixels,
    bytesPerPixel,
    historyBytes,
    moves: moves.length,
  };
}

(window as unknown as { editorBench: typeof run }).editorBench = run;
