import { describe, expect, it } from 'vitest';
import { useMemoryLocalStorage } from '../memoryStorage';
import {
  IMAGE_ADJUST_DEFAULTS,
  adjustLut,
  applyLut,
  isIdentityAdjust,
  parseImageAdjust,
  readImageAdjust,
  saveImageAdjust,
  stepGamma,
} from '../../../../renderer/editor/imageAdjust';
import { chordOf, DEFAULT_KEYMAP, keyLookup } from '../../../../renderer/editor/keymap';

describe('the display adjustment lookup table', () => {
  it('is the identity at the defaults', () => {
    const lut = adjustLut(IMAGE_ADJUST_DEFAULTS);
    for (let i = 0; i < 256; i++) expect(lut[i]).toBe(i);
    expect(isIdentityAdjust(IMAGE_ADJUST_DEFAULTS)).toBe(true);
  });

  it('adds brightness in percent of full scale, clipped at white and black', () => {
    const up = adjustLut({ brightness: 20, contrast: 0, gamma: 1 });
    expect(up[0]).toBe(51);
    expect(up[100]).toBe(151);
    expect(up[250]).toBe(255);
    const down = adjustLut({ brightness: -100, contrast: 0, gamma: 1 });
    expect(Array.from(down).every((v) => v === 0)).toBe(true);
  });

  it('stretches contrast around mid-grey: -100 is flat grey, +50 doubles the slope', () => {
    const flat = adjustLut({ brightness: 0, contrast: -100, gamma: 1 });
    expect(new Set(flat)).toEqual(new Set([128]));
    const steep = adjustLut({ brightness: 0, contrast: 50, gamma: 1 });
    expect(steep[128]).toBe(Math.round(((128 / 255 - 0.5) * 2 + 0.5) * 255));
    expect(steep[64]).toBe(Math.round(((64 / 255 - 0.5) * 2 + 0.5) * 255));
    expect(steep[10]).toBe(0);
    expect(steep[245]).toBe(255);
  });

  it('gamma above 1 lifts the shadows and keeps black and white', () => {
    const lut = adjustLut({ brightness: 0, contrast: 0, gamma: 2 });
    expect(lut[0]).toBe(0);
    expect(lut[255]).toBe(255);
    expect(lut[64]).toBe(Math.round(Math.sqrt(64 / 255) * 255));
    for (let i = 1; i < 256; i++) expect(lut[i]).toBeGreaterThanOrEqual(lut[i - 1]);
  });

  it('applies the table to R, G and B and copies alpha', () => {
    const lut = adjustLut({ brightness: 10, contrast: 0, gamma: 1 });
    const source = new Uint8ClampedArray([0, 100, 200, 7, 255, 1, 2, 128]);
    const target = new Uint8ClampedArray(source.length);
    applyLut(source, target, lut);
    expect(Array.from(target)).toEqual([lut[0], lut[100], lut[200], 7, lut[255], lut[1], lut[2], 128]);
    expect(Array.from(source)).toEqual([0, 100, 200, 7, 255, 1, 2, 128]);
  });
});

describe('the display keys', () => {
  it('O / Shift+O step gamma by a quarter within its range; I resets', () => {
    const keys = keyLookup(DEFAULT_KEYMAP);
    const ev = (key: string, shift = false) => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: shift });
    expect(keys.get(chordOf(ev('o')))).toBe('display.brighter');
    expect(keys.get(chordOf(ev('O', true)))).toBe('display.darker');
    expect(keys.get(chordOf(ev('i')))).toBe('display.reset');
    expect(stepGamma(1, 1)).toBe(1.25);
    expect(stepGamma(1, -1)).toBe(0.75);
    expect(stepGamma(4.9, 1)).toBe(5);
    expect(stepGamma(0.3, -1)).toBe(0.2);
  });
});

describe('the remembered adjustment', () => {
  const store = useMemoryLocalStorage();

  it('is remembered per project', () => {
    saveImageAdjust('/p/one', { brightness: 30, contrast: -10, gamma: 1.5 });
    expect(readImageAdjust('/p/one')).toEqual({ brightness: 30, contrast: -10, gamma: 1.5 });
    expect(readImageAdjust('/p/two')).toEqual(IMAGE_ADJUST_DEFAULTS);
    saveImageAdjust('/p/one', { ...IMAGE_ADJUST_DEFAULTS });
    expect(store.size).toBe(0);
  });

  it('validates each field back to its default', () => {
    expect(parseImageAdjust({ brightness: 500, contrast: '5', gamma: 0 })).toEqual(IMAGE_ADJUST_DEFAULTS);
    expect(parseImageAdjust({ brightness: 40, contrast: Number.NaN, gamma: 2 })).toEqual({ brightness: 40, contrast: 0, gamma: 2 });
    expect(parseImageAdjust('nonsense')).toEqual(IMAGE_ADJUST_DEFAULTS);
    store.set('fcnStudio.imageAdjust:/p', '{not json');
    expect(readImageAdjust('/p')).toEqual(IMAGE_ADJUST_DEFAULTS);
  });
});
