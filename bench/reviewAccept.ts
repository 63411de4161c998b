/**
 * `review.accept_12mp_ms`: the editor core's accept of a prediction on a 4000×3000 mask, timed in
 * Node's V8 (the renderer's JavaScript engine); the screen-sized redraw is not part of it.
 */
// eslint-disable-next-line no-restricted-imports -- the renderer's editor core is what this bench measures.
import { Editor } from '../renderer/editor/editor';

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function acceptTwelveMegapixels(): { ms: number; baselineMs: number; pixels: number } {
  const width = 4000;
  const height = 3000;
  const n = width * height;
  const values = new Uint8Array(n).fill(255);
  for (let y = 0; y < height; y++) values.fill(0, y * width, y * width + Math.floor(width / 3));
  const predicted = new Uint8Array(n);
  const confidence = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    predicted[i] = (i % width) % 500 < 250 ? 1 : 7;
    confidence[i] = (i * 2654435761) >>> 24;
  }
  const classes = [0, 1, 7].map((value, i) => ({ id: i + 1, value, name: `c${value}`, color: '#336699', position: i }));
  const editor = new Editor({ width, height, values, classes });
  editor.setPrediction({ summary: { runId: 1, imageId: 1, meanEntropy: 0.5, meanMargin: 0.3, iou: null, agreement: null, createdAt: '' }, values: predicted, confidence });
  const times: number[] = [];
  const copies: number[] = [];
  let pixels = 0;
  for (let round = 0; round < 6; round++) {
    let t0 = performance.now();
    pixels = editor.acceptPrediction('unlabeled');
    const t = performance.now() - t0;
    editor.undo();
    t0 = performance.now();
    const copy = editor.doc.values.slice();
    copies.push(performance.now() - t0);
    if (copy.length !== n || pixels === 0) throw new Error('the accept bench wrote nothing');
    // The first round warms the code paths up.
    if (round > 0) times.push(t);
  }
  return { ms: median(times), baselineMs: median(copies), pixels };
}

