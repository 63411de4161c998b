import { describe, expect, it } from 'vitest';
import { classesFromFile, hexToRgb, rgbToHex } from '../../../../shared/domain/classes';
import { presetClassFile } from '../../../../shared/domain/presets';
import { vocPalette } from '../../../../shared/domain/vocPalette';

describe('class files', () => {
  it('drops the ignore class and keeps ids as mask values', () => {
    const { classes, values, ignoreIndex } = classesFromFile(presetClassFile('camvid')!);
    expect(classes).toHaveLength(11);
    expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ignoreIndex).toBe(11);
    expect(classes[3]).toEqual({ name: 'road', color: '#804080' });
  });

  it('refuses duplicate ids or names and id 255', () => {
    const c = (id: number, name: string) => ({ id, name, color: [0, 0, 0] as [number, number, number] });
    expect(() => classesFromFile({ classes: [c(1, 'a'), c(1, 'b')] })).toThrow(/id 1 appears twice/);
    expect(() => classesFromFile({ classes: [c(1, 'a'), c(2, 'A')] })).toThrow(/"A" appears twice/);
    expect(() => classesFromFile({ classes: [c(255, 'a')] })).toThrow(/0\.\.254/);
  });

  it('the VOC preset has 21 classes in the devkit colours', () => {
    const voc = presetClassFile('voc')!;
    expect(voc.classes).toHaveLength(21);
    expect(voc.classes[15]).toEqual({ id: 15, name: 'person', color: [192, 128, 128] });
    expect(presetClassFile('none')).toBeNull();
  });

  it('the VOC palette matches the devkit, 255 being the boundary colour', () => {
    const p = vocPalette();
    expect([...p.subarray(3, 6)]).toEqual([128, 0, 0]);
    expect([...p.subarray(255 * 3, 256 * 3)]).toEqual([224, 224, 192]);
  });

  it('converts colours both ways', () => {
    expect(rgbToHex([60, 40, 222])).toBe('#3c28de');
    expect(hexToRgb('#3c28de')).toEqual([60, 40, 222]);
  });
});
