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
    expect(editor.getSnapshot()).toMatchObject({ tool: 'polygon', settings: { acceptLasso: true } });
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
