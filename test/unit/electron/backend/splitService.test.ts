import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../../../electron/backend/splitService';
import { mulberry32 } from '../../../../shared/random';

// 10 images: all hold class 0, three also hold the rare class 2, one holds nothing labeled.
const IMAGES = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, classes: i === 9 ? [] : i < 3 ? [0, 2] : [0] }));
const RARE = new Set([1, 2, 3]);

describe('stratified split', () => {
  it('shares a rare class out in the fractions, whatever the seed', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const split = stratifiedSplit(IMAGES, { train: 0.7, val: 0.3, test: 0 }, mulberry32(seed));
      expect(split.train).toHaveLength(7);
      expect(split.val).toHaveLength(3);
      expect(split.test).toHaveLength(0);
      // 3 × 0.3 ≈ 1: one rare image in val, two in train (a random split puts 0–3 in val).
      expect(split.val.filter((id) => RARE.has(id))).toHaveLength(1);
      expect([...split.train, ...split.val].sort((a, b) => a - b)).toEqual(IMAGES.map((i) => i.id));
    }
  });

  it('gives a class held by one image to train', () => {
    const images = [{ id: 1, classes: [0, 5] }, ...Array.from({ length: 9 }, (_, i) => ({ id: i + 2, classes: [0] }))];
    for (let seed = 1; seed <= 10; seed++) expect(stratifiedSplit(images, { train: 0.5, val: 0.5, test: 0 }, mulberry32(seed)).train).toContain(1);
  });

  it('is the same split for the same seed', () => {
    const a = stratifiedSplit(IMAGES, { train: 0.6, val: 0.2, test: 0.2 }, mulberry32(7));
    const b = stratifiedSplit(IMAGES, { train: 0.6, val: 0.2, test: 0.2 }, mulberry32(7));
    expect(a).toEqual(b);
    expect(a.train.length + a.val.length + a.test.length).toBe(10);
  });
});
