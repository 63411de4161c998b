import { describe, expect, it } from 'vitest';
import { chordOf, DEFAULT_KEYMAP, keyLookup } from '../../../../renderer/editor/keymap';

const ev = (key: string, m: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) => ({ key, ctrlKey: !!m.ctrl, metaKey: !!m.meta, altKey: !!m.alt, shiftKey: !!m.shift });

describe('keymap', () => {
  it('maps the documented chords to actions', () => {
    const keys = keyLookup(DEFAULT_KEYMAP);
    expect(keys.get(chordOf(ev('z', { ctrl: true })))).toBe('history.undo');
    expect(keys.get(chordOf(ev('Z', { ctrl: true, shift: true })))).toBe('history.redo');
    expect(keys.get(chordOf(ev('y', { ctrl: true })))).toBe('history.redo');
    expect(keys.get(chordOf(ev('?', { shift: true })))).toBe('help.toggle');
    expect(keys.get(chordOf(ev('N', { shift: true })))).toBe('nav.nextUnlabeled');
    expect(keys.get(chordOf(ev('n')))).toBe('nav.next');
    expect(keys.get(chordOf(ev('0')))).toBe('class.9');
    expect(keys.get(chordOf(ev('1')))).toBe('class.0');
    expect(keys.get(chordOf(ev('+', { shift: true })))).toBe('view.zoomIn');
  });

  it('picks classes 11 to 20 with Alt and a digit, by the physical key (macOS turns Alt+3 into £)', () => {
    const keys = keyLookup(DEFAULT_KEYMAP);
    expect(keys.get(chordOf({ ...ev('1', { alt: true }), code: 'Digit1' }))).toBe('class.10');
    expect(keys.get(chordOf({ ...ev('0', { alt: true }), code: 'Digit0' }))).toBe('class.19');
    const mac = keyLookup(DEFAULT_KEYMAP, true);
    expect(mac.get(chordOf({ ...ev('£', { alt: true }), code: 'Digit3' }, true))).toBe('class.12');
    expect(keys.get(chordOf({ ...ev('3'), code: 'Digit3' }))).toBe('class.2');
  });

  it('uses Cmd as Mod on a Mac, where Ctrl+Y stays Ctrl', () => {
    const keys = keyLookup(DEFAULT_KEYMAP, true);
    expect(keys.get(chordOf(ev('z', { meta: true }), true))).toBe('history.undo');
    expect(keys.get(chordOf(ev('z', { ctrl: true }), true))).toBeUndefined();
    expect(keys.get(chordOf(ev('y', { ctrl: true }), true))).toBe('history.redo');
  });

  it('binds every chord once', () => {
    const seen = new Set<string>();
    for (const b of DEFAULT_KEYMAP)
      for (const k of b.keys) {
        expect(seen.has(k), k).toBe(false);
        seen.add(k);
      }
  });
});
