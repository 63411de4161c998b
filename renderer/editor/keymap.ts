/** Everything a key can do in the editor. */
export type EditorAction =
  | 'tool.brush'
  | 'tool.eraser'
  | 'tool.fill'
  | 'tool.polygon'
  | 'tool.superpixel'
  | 'tool.pan'
  | 'brush.smaller'
  | 'brush.larger'
  | 'brush.shape'
  | 'labels.protect'
  | 'labels.toggle'
  | 'labels.opacityDown'
  | 'labels.opacityUp'
  | 'view.fit'
  | 'view.actual'
  | 'view.zoomIn'
  | 'view.zoomOut'
  | 'history.undo'
  | 'history.redo'
  | 'nav.next'
  | 'nav.prev'
  | 'nav.nextUnlabeled'
  | 'image.done'
  | 'gesture.complete'
  | 'gesture.back'
  | 'gesture.cancel'
  | 'help.toggle'
  | 'display.brighter'
  | 'display.darker'
  | 'display.reset'
  | 'prediction.toggle'
  | 'prediction.view'
  | 'prediction.opacityDown'
  | 'prediction.opacityUp'
  | 'prediction.acceptUnlabeled'
  | 'prediction.acceptAll'
  | 'prediction.lasso'
  | 'nav.labelNext'
  | 'nav.checkNext'
  | `class.${number}`;

export interface KeyBinding {
  action: EditorAction;
  /** Key chords: modifiers `Mod` (Ctrl, or Cmd on a Mac), `Ctrl`, `Alt`, `Shift`, then the key. */
  keys: string[];
  description: string;
  group: 'Tools' | 'Brush' | 'Classes' | 'View' | 'Prediction' | 'History' | 'Images';
}

/** Classes with a key: 1…9, 0 pick the first ten, Alt+1…Alt+0 the next ten. */
export const CLASS_KEYS = 20;

/** The key of the class at `index` in the list (`3`, `Alt+3`), or null past the twentieth. */
export function classKey(index: number): string | null {
  if (index >= CLASS_KEYS) return null;
  const digit = String((index + 1) % 10);
  return index < 10 ? digit : `Alt+${digit}`;
}

/**
 * The one keymap table: the `?` overlay lists it and the key handler reads it, so remapping a
 * shortcut is a change of data (a user keymap can replace entries) and never of code.
 */
export const DEFAULT_KEYMAP: KeyBinding[] = [
  { action: 'tool.brush', keys: ['B'], description: 'Brush', group: 'Tools' },
  { action: 'tool.eraser', keys: ['E'], description: 'Eraser (paints unlabeled)', group: 'Tools' },
  { action: 'tool.fill', keys: ['G'], description: 'Fill (bucket)', group: 'Tools' },
  { action: 'tool.polygon', keys: ['L'], description: 'Polygon / lasso fill (drag for a lasso)', group: 'Tools' },
  { action: 'tool.superpixel', keys: ['S'], description: 'Superpixel brush', group: 'Tools' },
  { action: 'tool.pan', keys: ['H'], description: 'Pan (or hold Space, or drag with the middle button)', group: 'Tools' },
  { action: 'brush.smaller', keys: ['['], description: 'Smaller brush (or Alt-drag)', group: 'Brush' },
  { action: 'brush.larger', keys: [']'], description: 'Larger brush (or Alt-drag)', group: 'Brush' },
  { action: 'brush.shape', keys: ['Shift+B'], description: 'Round / square tip', group: 'Brush' },
  { action: 'labels.protect', keys: ['K'], description: 'Protect existing labels (hold Shift to flip for one stroke)', group: 'Brush' },
  ...Array.from({ length: CLASS_KEYS }, (_, i): KeyBinding => ({
    action: `class.${i}`,
    keys: [classKey(i)!],
    description: `Class ${i + 1} of the list`,
    group: 'Classes',
  })),
  { action: 'labels.toggle', keys: ['V'], description: 'Show / hide labels', group: 'View' },
  { action: 'labels.opacityDown', keys: [','], description: 'Labels more transparent', group: 'View' },
  { action: 'labels.opacityUp', keys: ['.'], description: 'Labels more opaque', group: 'View' },
  { action: 'view.fit', keys: ['F'], description: 'Fit image to window', group: 'View' },
  { action: 'view.actual', keys: ['A'], description: 'Actual size (100%)', group: 'View' },
  { action: 'view.zoomIn', keys: ['=', '+'], description: 'Zoom in (or the wheel)', group: 'View' },
  { action: 'view.zoomOut', keys: ['-'], description: 'Zoom out', group: 'View' },
  { action: 'display.brighter', keys: ['O'], description: 'Lift the shadows of the image on screen (gamma up; display only)', group: 'View' },
  { action: 'display.darker', keys: ['Shift+O'], description: 'Darken the image on screen (gamma down; display only)', group: 'View' },
  { action: 'display.reset', keys: ['I'], description: 'Show the image as it is (reset brightness / contrast / gamma)', group: 'View' },
  { action: 'prediction.toggle', keys: ['T'], description: 'Show / hide the prediction', group: 'Prediction' },
  { action: 'prediction.view', keys: ['C'], description: 'Prediction → confidence heat-map → errors against the label', group: 'Prediction' },
  { action: 'prediction.opacityDown', keys: ['<'], description: 'Prediction more transparent', group: 'Prediction' },
  { action: 'prediction.opacityUp', keys: ['>'], description: 'Prediction more opaque', group: 'Prediction' },
  { action: 'prediction.acceptUnlabeled', keys: ['U'], description: 'Accept the prediction where unlabeled', group: 'Prediction' },
  { action: 'prediction.acceptAll', keys: ['Shift+U'], description: 'Accept the prediction everywhere (overwrites labels)', group: 'Prediction' },
  { action: 'prediction.lasso', keys: ['Shift+L'], description: 'Accept by region: the polygon / lasso (and the brush, B) accept the prediction where they pass; again: off', group: 'Prediction' },
  { action: 'history.undo', keys: ['Mod+Z'], description: 'Undo', group: 'History' },
  { action: 'history.redo', keys: ['Mod+Shift+Z', 'Ctrl+Y'], description: 'Redo', group: 'History' },
  { action: 'gesture.complete', keys: ['Enter'], description: 'Close the polygon', group: 'History' },
  { action: 'gesture.back', keys: ['Backspace'], description: 'Remove the last polygon point', group: 'History' },
  { action: 'gesture.cancel', keys: ['Escape'], description: 'Cancel the polygon / close this overlay', group: 'History' },
  { action: 'nav.next', keys: ['ArrowRight', 'N'], description: 'Next image', group: 'Images' },
  { action: 'nav.prev', keys: ['ArrowLeft', 'P'], description: 'Previous image', group: 'Images' },
  { action: 'nav.nextUnlabeled', keys: ['Shift+N'], description: 'Next unlabeled image', group: 'Images' },
  { action: 'nav.labelNext', keys: ['J'], description: 'Label next: the most uncertain image', group: 'Images' },
  { action: 'nav.checkNext', keys: ['Shift+J'], description: 'Check next: the labeled image whose prediction agrees least with its label', group: 'Images' },
  { action: 'image.done', keys: ['D'], description: 'Mark done / not done', group: 'Images' },
  { action: 'help.toggle', keys: ['?'], description: 'Show these shortcuts', group: 'Images' },
];

export interface KeyLike {
  key: string;
  /** The physical key (`Digit3`): with Alt, macOS turns `key` into another character. */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The chord a key event spells, in the keymap's notation (`Mod+Shift+Z`, `[`, `?`). */
export function chordOf(e: KeyLike, isMac = false): string {
  const parts: string[] = [];
  if (isMac ? e.metaKey : e.ctrlKey) parts.push('Mod');
  if (isMac && e.ctrlKey) parts.push('Ctrl');
  if (e.altKey) parts.push('Alt');
  const digit = e.altKey && e.code && /^Digit\d$/.test(e.code) ? e.code.slice(5) : null;
  const key = digit ?? (e.key.length === 1 ? e.key.toUpperCase() : e.key);
  // Shift is part of the chord for letters and named keys; for symbols it only picks the symbol ('?').
  const letterOrNamed = /^[A-Z]$/.test(key) || key.length > 1;
  if (e.shiftKey && letterOrNamed) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

/** Builds the lookup from chord to action (off a Mac, `Ctrl` and `Mod` are the same key). */
export function keyLookup(keymap: readonly KeyBinding[], isMac = false): Map<string, EditorAction> {
  const map = new Map<string, EditorAction>();
  for (const b of keymap) for (const k of b.keys) map.set(normaliseChord(k, isMac), b.action);
  return map;
}

function normaliseChord(chord: string, isMac: boolean): string {
  const parts = chord.split('+');
  // '+' itself as the key.
  const key = chord.endsWith('++') || chord === '+' ? '+' : parts.pop()!;
  const mods = new Set(chord === '+' ? [] : parts.filter((p) => p !== '').map((p) => (p === 'Ctrl' && !isMac ? 'Mod' : p)));
  const order = ['Mod', 'Ctrl', 'Alt', 'Shift'].filter((m) => mods.has(m));
  return [...order, key.length === 1 ? key.toUpperCase() : key].join('+');
}

/** Human form of a chord for the overlay (`Mod` shown as Ctrl or ⌘). */
export function displayChord(chord: string, isMac = false): string {
  return chord.replace('Mod', isMac ? '⌘' : 'Ctrl').replace('ArrowRight', '→').replace('ArrowLeft', '←');
}
