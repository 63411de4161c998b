import { describe, expect, it } from 'vitest';
import { colourTable, LabelView } from '../../../../renderer/editor/labelView';
import { Viewport } from '../../../../renderer/editor/viewport';

describe('label view', () => {
  const lut = colourTable([{ value: 1, color: '#ff0000' }]);

  it('shows each mask pixel as a block of screen pixels when zoomed in (nearest, no smoothing)', () => {
    const values = Uint8Array.from([1, 255, 255, 1]);
    const view = new Viewport(2, 2);
    view.resize(8, 8);
    view.scale = 4;
    const lv = new LabelView(values, 2, 2, lut);
    lv.layout(view);
    const red = lut[1];
    expect(lv.pixels[0]).toBe(red);
    expect(lv.pixels[3]).toBe(red);
    expect(lv.pixels[4]).toBe(0);
    expect(lv.pixels[7 * 8 + 7]).toBe(red);
    expect(lv.pixels[7 * 8 + 0]).toBe(0);
  });

  it('re-colours only the screen rectangle of a changed mask rectangle', () => {
    const values = new Uint8Array(100 * 100).fill(255);
    const view = new Viewport(100, 100);
    view.resize(50, 50);
    view.scale = 0.5;
    const lv = new LabelView(values, 100, 100, lut);
    lv.layout(view);
    values.fill(1);
    const r = lv.update({ x0: 10, y0: 20, x1: 30, y1: 40 }, view)!;
    expect(r).toEqual({ x: 5, y: 10, width: 10, height: 10 });
    expect(lv.pixels[10 * 50 + 5]).toBe(lut[1]);
    expect(lv.pixels[0]).toBe(0);
    expect(lv.update({ x0: 0, y0: 0, x1: 10, y1: 10 }, Object.assign(view, { tx: -500 }))).toBeNull();
  });

  it('leaves the screen outside the image transparent', () => {
    const view = new Viewport(1, 1);
    view.resize(10, 10);
    view.scale = 2;
    view.tx = 3;
    view.ty = 3;
    const lv = new LabelView(Uint8Array.from([1]), 1, 1, lut);
    lv.layout(view);
    expect(lv.pixels.filter((p) => p !== 0)).toHaveLength(4);
    expect(lv.pixels[3 * 10 + 3]).toBe(lut[1]);
  });
});

describe('superpixel outlines', () => {
  it('marks the screen pixels where the superpixel changes', () => {
    const ids = Uint16Array.from([0, 0, 1, 1]);
    const view = new Viewport(4, 1);
    view.resize(4, 1);
    view.scale = 1;
    const lv = new LabelView(new Uint8Array(4), 4, 1, new Uint32Array(256));
    lv.layout(view);
    expect(Array.from(lv.outlines(ids, 9))).toEqual([0, 9, 0, 0]);
  });
});
