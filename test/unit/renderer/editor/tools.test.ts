import { describe, expect, it } from 'vitest';
import { computeSlic } from '../../../../shared/mask/slic';
import { click, countOf, drag, testEditor, valueAt } from './editorHarness';

describe('brush tool', () => {
  it('is idle, paints while the button is down, and is idle again after', () => {
    const editor = testEditor(50, 20);
    editor.updateSettings({ brushSize: 3, classValue: 1 });
    editor.pointerDown(5.5, 10.5);
    expect(editor.getSnapshot().toolState).toBe('painting');
    editor.pointerMove(45.5, 10.5);
    editor.pointerUp(45.5, 10.5);
    expect(editor.getSnapshot().toolState).toBe('idle');
    for (let x = 4; x <= 46; x++) expect(valueAt(editor, x, 10), `x=${x}`).toBe(1);
    expect(valueAt(editor, 25, 13)).toBe(255);
    expect(editor.history.size).toBe(1);
  });

  it('keeps per-class counts in step with the pixels', () => {
    const editor = testEditor(30, 30);
    editor.updateSettings({ brushSize: 5, classValue: 7 });
    drag(editor, [[5.5, 5.5], [20.5, 20.5]]);
    expect(editor.getSnapshot().counts[7]).toBe(countOf(editor, 7));
    expect(editor.getSnapshot().counts[255]).toBe(countOf(editor, 255));
  });

  it('eraser writes unlabeled; protect (setting or Shift) keeps existing labels', () => {
    const editor = testEditor(20, 1);
    editor.updateSettings({ brushSize: 1, classValue: 1 });
    drag(editor, [[0.5, 0.5], [9.5, 0.5]]);
    editor.updateSettings({ classValue: 7 });
    drag(editor, [[0.5, 0.5], [19.5, 0.5]], { shift: true });
    expect(valueAt(editor, 3, 0)).toBe(1);
    expect(valueAt(editor, 15, 0)).toBe(7);
    editor.perform('tool.eraser');
    drag(editor, [[0.5, 0.5], [4.5, 0.5]]);
    expect(valueAt(editor, 3, 0)).toBe(255);
    expect(valueAt(editor, 6, 0)).toBe(1);
  });

  it('paints at the borders and on a 1-pixel image without writing outside', () => {
    const editor = testEditor(1, 1);
    editor.updateSettings({ brushSize: 40, classValue: 1 });
    drag(editor, [[-30, -30], [0.5, 0.5], [40, 40]]);
    expect(Array.from(editor.doc.values)).toEqual([1]);
    const corner = testEditor(10, 10);
    corner.updateSettings({ brushSize: 4, classValue: 1 });
    click(corner, 0, 0);
    expect(countOf(corner, 1)).toBe(3); // a quarter of the 12-pixel 4-wide disc lands inside
  });

  it('Alt-drag resizes the brush instead of painting', () => {
    const editor = testEditor(50, 50);
    editor.updateSettings({ brushSize: 10 });
    drag(editor, [[10, 10], [30, 10]], { alt: true });
    expect(editor.settings.brushSize).toBe(20);
    expect(countOf(editor, 255)).toBe(2500);
  });

  it('[ and ] change the size; number keys pick classes in list order', () => {
    const editor = testEditor(10, 10);
    editor.updateSettings({ brushSize: 20 });
    editor.keyDown({ key: ']', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false });
    expect(editor.settings.brushSize).toBe(23);
    editor.keyDown({ key: '[', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false });
    expect(editor.settings.brushSize).toBeLessThan(23);
    editor.keyDown({ key: '3', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false });
    expect(editor.settings.classValue).toBe(7);
  });
});

describe('fill tool', () => {
  it('fills the connected label region in one history entry', () => {
    const editor = testEditor(20, 10);
    editor.updateSettings({ brushSize: 1, classValue: 1 });
    drag(editor, [[10.5, 0.5], [10.5, 9.5]]); // a wall
    editor.perform('tool.fill');
    editor.updateSettings({ classValue: 7 });
    click(editor, 2.5, 2.5);
    expect(countOf(editor, 7)).toBe(100);
    expect(valueAt(editor, 15, 5)).toBe(255);
    expect(editor.history.size).toBe(2);
  });

  it('fills by image colour within a tolerance', () => {
    const editor = testEditor(4, 1);
    editor.setImagePixels(Uint8ClampedArray.from([10, 10, 10, 255, 15, 12, 10, 255, 200, 200, 200, 255, 12, 12, 12, 255]));
    editor.perform('tool.fill');
    editor.updateSettings({ classValue: 1, fillMode: 'image', fillTolerance: 8 });
    click(editor, 0.5, 0.5);
    expect(Array.from(editor.doc.values)).toEqual([1, 1, 255, 255]);
  });
});

describe('polygon tool', () => {
  it('fills a clicked polygon when the first vertex is clicked again', () => {
    const editor = testEditor(20, 20);
    editor.perform('tool.polygon');
    editor.updateSettings({ classValue: 1 });
    for (const [x, y] of [[2, 2], [12, 2], [12, 12], [2, 12]]) click(editor, x, y);
    expect(editor.getSnapshot().toolState).toBe('drawing');
    click(editor, 2.5, 2.5);
    expect(countOf(editor, 1)).toBe(100);
    expect(editor.overlay()).toBeNull();
  });

  it('Enter closes, Backspace removes a vertex, Escape abandons', () => {
    const editor = testEditor(20, 20);
    editor.perform('tool.polygon');
    for (const [x, y] of [[0, 0], [10, 0], [15, 15], [0, 10]]) click(editor, x, y);
    editor.perform('gesture.back');
    editor.perform('gesture.complete');
    expect(countOf(editor, 0)).toBeGreaterThan(0); // triangle 0,0 10,0 15,15 in class value 0
    const before = countOf(editor, 255);
    click(editor, 1, 1);
    click(editor, 5, 1);
    editor.perform('gesture.cancel');
    expect(countOf(editor, 255)).toBe(before);
    expect(editor.getSnapshot().toolState).toBe('idle');
  });

  it('a drag is a lasso filled on release', () => {
    const editor = testEditor(20, 20);
    editor.perform('tool.polygon');
    editor.updateSettings({ classValue: 7 });
    drag(editor, [[2, 2], [18, 2], [18, 18], [2, 18]]);
    expect(countOf(editor, 7)).toBe(256);
    expect(editor.history.size).toBe(1);
  });
});

describe('superpixel tool', () => {
  it('paints every superpixel the brush touches, whole', () => {
    const w = 40;
    const h = 20;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set(i % w < 20 ? [200, 40, 40, 255] : [40, 40, 200, 255], i * 4);
    const sp = computeSlic(rgba, w, h, { regionSize: 10 });
    const editor = testEditor(w, h);
    editor.setSuperpixels(sp);
    editor.perform('tool.superpixel');
    editor.updateSettings({ brushSize: 1, classValue: 1 });
    click(editor, 5.5, 5.5);
    const id = sp.labels[5 * w + 5];
    for (let i = 0; i < w * h; i++) expect(editor.doc.values[i] === 1).toBe(sp.labels[i] === id);
  });

  it('asks for superpixels once and paints nothing until they arrive', () => {
    let asked = 0;
    const editor = testEditor(10, 10, { requestSuperpixels: () => asked++ });
    editor.perform('tool.superpixel');
    click(editor, 5, 5);
    click(editor, 6, 6);
    expect(asked).toBe(1);
    expect(countOf(editor, 255)).toBe(100);
    expect(editor.getSnapshot().message).toMatch(/Superpixels/);
  });

  it('asks again for the new size when the size changes, and drops a late reply of the old size', () => {
    const asked: string[] = [];
    const editor = testEditor(10, 10, { requestSuperpixels: (size) => asked.push(size) });
    editor.perform('tool.superpixel');
    click(editor, 5, 5);
    const sp = computeSlic(new Uint8Array(10 * 10 * 4), 10, 10, { regionSize: 5 });
    editor.setSuperpixels(sp, 'medium');
    expect(editor.getSnapshot().superpixels).toBe('ready');
    editor.updateSettings({ superpixelSize: 'large' });
    expect(asked).toEqual(['medium', 'large']);
    expect(editor.getSnapshot().superpixels).toBe('computing');
    editor.setSuperpixels(sp, 'medium'); // the old size's reply, arriving late
    expect(editor.getSnapshot().superpixels).toBe('computing');
    editor.setSuperpixels(sp, 'large');
    expect(editor.getSnapshot().superpixels).toBe('ready');
  });
});

describe('pan', () => {
  it('space-drag and middle-drag move the view without painting', () => {
    const editor = testEditor(100, 100);
    editor.keyDown({ key: ' ', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false });
    drag(editor, [[10, 10], [30, 25]]);
    editor.keyUp({ key: ' ' });
    expect([editor.view.tx, editor.view.ty]).toEqual([20, 15]);
    drag(editor, [[10, 10], [0, 0]], { button: 1 });
    expect([editor.view.tx, editor.view.ty]).toEqual([10, 5]);
    expect(countOf(editor, 255)).toBe(10000);
  });

  it('zooms about the cursor: the pixel under it stays put', () => {
    const editor = testEditor(100, 100);
    const before = editor.view.toMask(37, 61);
    editor.zoomAt(2.5, 37, 61);
    const after = editor.view.toMask(37, 61);
    expect(after[0]).toBeCloseTo(before[0], 0);
    expect(after[1]).toBeCloseTo(before[1], 0);
  });
});

describe('superpixel tool strokes', () => {
  it('paints every superpixel along a fast move, not only where the pointer events landed', () => {
    const w = 100;
    const h = 10;
    const sp = computeSlic(new Uint8Array(w * h * 4).fill(128), w, h, { regionSize: 5 });
    const editor = testEditor(w, h);
    editor.setSuperpixels(sp);
    editor.perform('tool.superpixel');
    editor.updateSettings({ brushSize: 1, classValue: 1 });
    drag(editor, [[2.5, 5.5], [97.5, 5.5]]);
    for (let x = 3; x <= 97; x++) expect(valueAt(editor, x, 5), `x=${x}`).toBe(1);
  });
});

describe('cancelling', () => {
  it('Escape in the middle of a stroke restores every pixel and records nothing', () => {
    const editor = testEditor(40, 40);
    editor.updateSettings({ brushSize: 5, classValue: 1 });
    editor.pointerDown(5, 5);
    editor.pointerMove(35, 35);
    expect(countOf(editor, 1)).toBeGreaterThan(0);
    editor.perform('gesture.cancel');
    editor.pointerUp(35, 35);
    expect(countOf(editor, 255)).toBe(1600);
    expect(editor.getSnapshot().counts[1]).toBe(0);
    expect(editor.history.size).toBe(0);
  });
});
