import type { LabelClass } from '../../../../shared/domain/classes';
import { Editor, type EditorOptions } from '../../../../renderer/editor/editor';

export const CLASSES: LabelClass[] = [
  { id: 1, value: 0, name: 'background', color: '#000000', position: 0 },
  { id: 2, value: 1, name: 'road', color: '#ff0000', position: 1 },
  { id: 3, value: 7, name: 'car', color: '#00ff00', position: 2 },
];

/** A headless editor whose screen coordinates are mask coordinates (scale 1, no offset). */
export function testEditor(width: number, height: number, options: Partial<EditorOptions> = {}): Editor {
  const editor = new Editor({ width, height, classes: CLASSES, ...options });
  editor.resize(width, height);
  editor.view.scale = 1;
  editor.view.tx = 0;
  editor.view.ty = 0;
  return editor;
}

/** Drags the primary button through the points (pixel centres), like a user's stroke. */
export function drag(editor: Editor, points: [number, number][], input: { shift?: boolean; alt?: boolean; button?: number } = {}): void {
  const [first, ...rest] = points;
  editor.pointerDown(first[0], first[1], input);
  for (const p of rest) editor.pointerMove(p[0], p[1], input);
  const last = points[points.length - 1];
  editor.pointerUp(last[0], last[1], input);
}

export function click(editor: Editor, x: number, y: number, input: { shift?: boolean } = {}): void {
  drag(editor, [[x, y]], input);
}

export function valueAt(editor: Editor, x: number, y: number): number {
  return editor.doc.values[y * editor.doc.width + x];
}

export function countOf(editor: Editor, value: number): number {
  return editor.doc.values.reduce((n, v) => n + (v === value ? 1 : 0), 0);
}
