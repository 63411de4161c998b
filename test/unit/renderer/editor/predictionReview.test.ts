import { describe, expect, it, vi } from 'vitest';
import type { ImagePrediction } from '../../../../renderer/editor/predictionReview';
import { click, countOf, drag, testEditor, valueAt } from './editorHarness';

const W = 100;
const H = 80;

/** Left half predicted road (1) at confidence 200, right half car (7) at confidence 100. */
function prediction(): ImagePrediction {
  const values = new Uint8Array(W * H);
  const confidence = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      values[y * W + x] = x < W / 2 ? 1 : 7;
      confidence[y * W + x] = x < W / 2 ? 200 : 100;
    }
  return { summary: { runId: 1, imageId: 1, meanEntropy: 0.3, meanMargin: 0.5, iou: null, agreement: null, createdAt: '' }, values, confidence };
}

/** An editor whose top-left 20×20 is labeled background (0), the rest unlabeled. */
function labeledEditor(options = {}) {
  const values = new Uint8Array(W * H).fill(255);
  for (let y = 0; y < 20; y++) values.fill(0, y * W, y * W + 20);
  const editor = testEditor(W, H, { values, ...options });
  editor.setPrediction(prediction());
  return editor;
}

describe('accepting a prediction', () => {
  it('where unlabeled: one undoable step that keeps the labels; undo and redo restore exactly', () => {
    const onEdit = vi.fn();
    const onAccept = vi.fn();
    const editor = labeledEditor({ onEdit, onAccept });
    const before = editor.doc.values.slice();
    editor.perform('prediction.acceptUnlabeled');
    expect(valueAt(editor, 5, 5)).toBe(0);
    expect(valueAt(editor, 30, 5)).toBe(1);
    expect(valueAt(editor, 80, 70)).toBe(7);
    expect(countOf(editor, 255)).toBe(0);
    expect([...editor.getSnapshot().counts.entries()].filter(([, n]) => n > 0)).toEqual([
      [0, 400],
      [1, (W / 2) * H - 400],
      [7, (W / 2) * H],
    ]);
    expect(editor.history.size).toBe(1);
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onAccept).toHaveBeenCalledWith(W * H - 400);
    const after = editor.doc.values.slice();
    editor.undo();
    expect(editor.doc.values).toEqual(before);
    expect(editor.getSnapshot().counts[255]).toBe(W * H - 400);
    editor.redo();
    expect(editor.doc.values).toEqual(after);
  });

  it('the whole image overwrites labels; the confidence threshold and the class filter limit what is taken', () => {
    const editor = labeledEditor();
    editor.setAcceptFilter({ threshold: 150 / 255 });
    editor.perform('prediction.acceptAll');
    expect(valueAt(editor, 5, 5)).toBe(1);
    expect(valueAt(editor, 80, 5)).toBe(255);
    editor.undo();
    editor.setAcceptFilter({ threshold: 0, classValue: 7 });
    editor.acceptPrediction('all');
    expect(valueAt(editor, 5, 5)).toBe(0);
    expect(valueAt(editor, 30, 5)).toBe(255);
    expect(valueAt(editor, 80, 5)).toBe(7);
  });

  it('inside a lasso only, as one step', () => {
    const editor = labeledEditor();
    editor.perform('prediction.lasso');
    expect(editor.getSnapshot()).toMatchObject({ tool: 'polygon', settings: { acceptRegion: true } });
    // A closed polygon from (40,40) to (60,60) by clicks, finished with Enter.
    for (const [x, y] of [[40, 40], [60, 40], [60, 60], [40, 60]] as const) click(editor, x, y);
    editor.perform('gesture.complete');
    expect(valueAt(editor, 45, 50)).toBe(1);
    expect(valueAt(editor, 55, 50)).toBe(7);
    expect(valueAt(editor, 30, 50)).toBe(255);
    expect(valueAt(editor, 70, 50)).toBe(255);
    expect(editor.history.size).toBe(1);
    // A lasso drag works the same way.
    drag(editor, [[70, 10], [90, 10], [90, 30], [70, 30], [70, 11]]);
    expect(valueAt(editor, 80, 20)).toBe(7);
    expect(editor.history.size).toBe(2);
  });

  it('by brush: the stroke says where, the prediction what; one step, and the image then needs review', () => {
    const onAccept = vi.fn();
    const editor = labeledEditor({ onAccept });
    editor.perform('prediction.lasso');
    editor.perform('tool.brush');
    expect(editor.getSnapshot()).toMatchObject({ tool: 'brush', settings: { acceptRegion: true } });
    editor.updateSettings({ brushSize: 5, brushShape: 'square' });
    // Across the labeled square and on into unlabeled pixels, along row 10.
    drag(editor, [[10, 10], [40, 10], [70, 10]]);
    expect(editor.history.size).toBe(1);
    expect(valueAt(editor, 10, 10)).toBe(1);
    expect(valueAt(editor, 40, 10)).toBe(1);
    expect(valueAt(editor, 70, 10)).toBe(7);
    expect(valueAt(editor, 40, 20)).toBe(255);
    expect(onAccept).toHaveBeenCalledTimes(1);
    // Shift (protect): only where unlabeled, the labeled square keeps its class.
    editor.undo();
    drag(editor, [[10, 10], [40, 10]], { shift: true });
    expect(valueAt(editor, 10, 10)).toBe(0);
    expect(valueAt(editor, 40, 10)).toBe(1);
  });

  it('nothing to take is no history entry, and says so', () => {
    const editor = labeledEditor();
    editor.acceptPrediction('unlabeled');
    expect(editor.acceptPrediction('unlabeled')).toBe(0);
    expect(editor.history.size).toBe(1);
    expect(editor.getSnapshot().message).toMatch(/Nothing to accept/);
  });
});

describe('the prediction layer', () => {
  it('previews what an accept would take, shows confidence and errors, and counts predicted pixels', () => {
    const editor = labeledEditor();
    const shown = () => editor.predictionView!['values'] as Uint8Array;
    expect(shown()[0]).toBe(1);
    editor.setAcceptFilter({ threshold: 150 / 255 });
    expect(shown()[W - 1]).toBe(255);
    expect(shown()[0]).toBe(1);
    editor.perform('prediction.view');
    expect(editor.getSnapshot().prediction?.view).toBe('confidence');
    expect(shown()[0]).toBe(200);
    editor.perform('prediction.view');
    // Errors: labeled pixels whose prediction differs (the 20×20 background square is predicted road).
    expect(shown()[0]).toBe(1);
    expect(shown()[30]).toBe(255);
    // It follows label edits.
    editor.setClass(1);
    editor.updateSettings({ brushSize: 1 });
    drag(editor, [[0, 0]]);
    expect(shown()[0]).toBe(255);
    const counts = editor.getSnapshot().prediction!.counts;
    expect([counts[1], counts[7]]).toEqual([(W * H) / 2, (W * H) / 2]);
    editor.perform('prediction.toggle');
    expect(editor.getSnapshot().prediction?.visible).toBe(false);
  });
});

describe('acceptInto, four pixels at a time', () => {
  it('matches the pixel-by-pixel rule on random masks (254 beside 255 included), for both scopes, and undoes exactly', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const scope of ['unlabeled', 'all'] as const) {
      const w = 136;
      const h = 70;
      const values = Uint8Array.from({ length: w * h }, () => [255, 255, 254, 0, 1, 7][Math.floor(random() * 6)]);
      const predicted = Uint8Array.from({ length: w * h }, () => [0, 1, 7, 254][Math.floor(random() * 4)]);
      const expected = values.map((v, i) => (scope === 'all' || v === 255 ? predicted[i] : v));
      const changed = values.reduce((n, v, i) => n + (v !== expected[i] ? 1 : 0), 0);
      const editor = testEditor(w, h, { values: values.slice() });
      editor.setPrediction({ summary: prediction().summary, values: predicted, confidence: new Uint8Array(w * h).fill(255) });
      expect(editor.acceptPrediction(scope)).toBe(changed);
      expect(editor.doc.values).toEqual(expected);
      // The class counts moved with the pixels (kept incrementally, checked against a recount).
      const recount = new Float64Array(256);
      for (const v of expected) recount[v]++;
      expect(editor.getSnapshot().counts).toEqual(recount);
      editor.undo();
      expect(editor.doc.values).toEqual(values);
    }
  });
});
