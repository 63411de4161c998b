import { describe, expect, it } from 'vitest';
import { MAX_CLASS_WEIGHT, scribbleClassWeights } from '../../../../electron/ml/live/liveClassWeights';

describe('scribble class weights', () => {
  it('weighs a rarely scribbled class up by the square root of its rarity, a common one down, an unlabeled one to zero', () => {
    // Median count 400: a class with 100 pixels is 4× rarer (weight 2), one with 1600 4× commoner (weight ½).
    const w = scribbleClassWeights([1600, 400, 100, 0]);
    expect(Array.from(w)).toEqual([0.5, 1, 2, 0]);
  });

  it('caps the weight of a class with a handful of pixels', () => {
    const w = scribbleClassWeights([10_000, 10_000, 10_000, 3]);
    expect(w[3]).toBe(MAX_CLASS_WEIGHT);
    expect(w[0]).toBe(1);
  });

  it('gives all zeros before anything is labeled', () => {
    expect(Array.from(scribbleClassWeights([0, 0, 0]))).toEqual([0, 0, 0]);
  });
});
