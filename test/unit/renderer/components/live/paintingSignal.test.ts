import { describe, expect, it } from 'vitest';
import { PaintingSignal } from '../../../../../renderer/components/live/paintingSignal';

describe('Live painting signal', () => {
  it('says painting once when the pointer goes down on the canvas, and stopped once when it is released', () => {
    const sent: boolean[] = [];
    const canvas = { name: 'canvas' } as unknown as EventTarget;
    const signal = new PaintingSignal((p) => sent.push(p), (t) => t === canvas);
    signal.up();
    signal.down(canvas);
    signal.down(canvas);
    signal.up();
    signal.up();
    expect(sent).toEqual([true, false]);
  });

  it('ignores presses elsewhere (tool rail, dialogs)', () => {
    const sent: boolean[] = [];
    const signal = new PaintingSignal((p) => sent.push(p), () => false);
    signal.down(null);
    signal.up();
    expect(sent).toEqual([]);
  });
});
