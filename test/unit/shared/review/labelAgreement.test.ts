import { describe, expect, it } from 'vitest';
import { labelAgreement } from '../../../../shared/review/labelAgreement';

describe('labelAgreement', () => {
  it('scores only labeled pixels: IoU per class present, averaged, and the fraction that agrees', () => {
    // label: 0 0 1 1 255 255; prediction: 0 1 1 1 0 0 → class 0: I=1, U=2; class 1: I=2, U=3.
    const label = Uint8Array.from([0, 0, 1, 1, 255, 255]);
    const predicted = Uint8Array.from([0, 1, 1, 1, 0, 0]);
    const a = labelAgreement(predicted, label)!;
    expect(a.agreement).toBeCloseTo(3 / 4, 12);
    expect(a.iou).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
  });

  it('counts a class predicted on labeled pixels but absent from the label', () => {
    const a = labelAgreement(Uint8Array.from([2, 0]), Uint8Array.from([0, 0]))!;
    // class 0: I=1, U=2; class 2: I=0, U=1.
    expect(a.iou).toBeCloseTo(0.25, 12);
  });

  it('is null for an image without labeled pixels, and refuses masks of different sizes', () => {
    expect(labelAgreement(Uint8Array.from([1, 2]), Uint8Array.from([255, 255]))).toBeNull();
    expect(() => labelAgreement(new Uint8Array(3), new Uint8Array(4))).toThrow(/pixels/);
  });
});
