import { describe, expect, it } from 'vitest';
import { atImageSize } from '../../../../../electron/backend/live/liveService';

describe('live predictions at the image size', () => {
  it('scales a training-scale prediction up to the image (nearest), mask and confidence alike', () => {
    const p = { round: 3, width: 2, height: 1, mask: Uint8Array.from([7, 9]), confidence: Uint8Array.from([100, 200]) };
    const full = atImageSize(p, { width: 4, height: 2 });
    expect(full).toMatchObject({ round: 3, width: 4, height: 2 });
    expect(Array.from(full.mask)).toEqual([7, 7, 9, 9, 7, 7, 9, 9]);
    expect(Array.from(full.confidence)).toEqual([100, 100, 200, 200, 100, 100, 200, 200]);
  });

  it('passes a prediction already at the image size (or of an image no longer there) through untouched', () => {
    const p = { width: 2, height: 1, mask: Uint8Array.from([1, 2]), confidence: Uint8Array.from([3, 4]) };
    expect(atImageSize(p, { width: 2, height: 1 })).toBe(p);
    expect(atImageSize(p, undefined)).toBe(p);
  });
});
