import { describe, expect, it } from 'vitest';
import { History } from '../../../../renderer/editor/history';
import { LabelMaskDocument } from '../../../../renderer/editor/maskDocument';
import { countOf, drag, testEditor } from './editorHarness';

const key = (k: string, mods: { ctrl?: boolean; shift?: boolean } = {}) => ({ key: k, ctrlKey: !!mods.ctrl, metaKey: false, altKey: false, shiftKey: !!mods.shift });

describe('history', () => {
  it('undoes and redoes one stroke as one entry (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y)', () => {
    const editor = testEditor(300, 200);
    editor.updateSettings({ brushSize: 9, classValue: 1 });
    drag(editor, [[10, 10], [150, 100], [290, 20]]);
    const painted = Uint8Array.from(editor.doc.values);
    drag(editor, [[10, 190], [290, 190]]);
    editor.keyDown(key('z', { ctrl: true }));
    expect(editor.doc.values).toEqual(painted);
    editor.keyDown(key('z', { ctrl: true }));
    expect(countOf(editor, 255)).toBe(300 * 200);
    expect(editor.getSnapshot().counts[1]).toBe(0);
    editor.keyDown(key('Z', { ctrl: true, shift: true }));
    expect(editor.doc.values).toEqual(painted);
    editor.keyDown(key('y', { ctrl: true }));
    expect(countOf(editor, 1)).toBeGreaterThan(0);
    expect(editor.history.canRedo).toBe(false);
  });

  it('a new edit clears redo; history survives switching tools', () => {
    const editor = testEditor(50, 50);
    editor.updateSettings({ classValue: 1 });
    drag(editor, [[5, 5], [40, 5]]);
    drag(editor, [[5, 20], [40, 20]]);
    editor.undo();
    expect(editor.history.canRedo).toBe(true);
    editor.perform('tool.fill');
    editor.perform('tool.brush');
    drag(editor, [[5, 40], [40, 40]]);
    expect(editor.history.canRedo).toBe(false);
    expect(editor.undo()).toBe(true);
    expect(editor.undo()).toBe(true);
    expect(editor.undo()).toBe(false);
  });

  it('an edit that changes nothing makes no entry', () => {
    const editor = testEditor(20, 20);
    editor.perform('tool.eraser');
    drag(editor, [[5, 5], [15, 15]]);
    expect(editor.history.size).toBe(0);
  });

  it('drops the oldest entries beyond the byte cap', () => {
    // Each edit on a fresh raster: diffs of the same size.
    let doc = new LabelMaskDocument(64, 64);
    const edit = (i: number) => {
      doc = new LabelMaskDocument(64, 64);
      doc.prepare({ x0: 0, y0: 0, x1: 64, y1: 64 });
      for (let p = i; p < doc.values.length; p += 97) doc.values[p] = i % 10;
      doc.changed({ x0: 0, y0: 0, x1: 64, y1: 64 });
      return doc.commit('noise')!;
    };
    const first = edit(0);
    const history = new History(Math.floor(first.bytes * 3.5));
    history.push(first);
    for (let i = 1; i < 20; i++) history.push(edit(i));
    expect(history.size).toBe(3);
    expect(history.bytes).toBeLessThanOrEqual(history.capBytes);
    expect(history.undo(doc)).not.toBeNull();
  });

  it('stores strokes compressed: far fewer bytes than the pixels they cover', () => {
    const editor = testEditor(2000, 1500);
    editor.updateSettings({ brushSize: 40, classValue: 1 });
    drag(editor, Array.from({ length: 300 }, (_, i): [number, number] => [100 + i * 6, 200 + Math.sin(i / 20) * 400 + 400]));
    expect(editor.history.bytes).toBeLessThan(countOf(editor, 1) / 4);
  });
});
