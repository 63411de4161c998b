import { describe, expect, it } from 'vitest';
import { predictionChoices } from '../../../../renderer/state/predictionTargets';

describe('predictionChoices', () => {
  it('offers unlabeled images and every split when nothing is open or selected', () => {
    const choices = predictionChoices({ openImageId: null, selectedIds: [] });
    expect(choices.map((c) => c.label)).toEqual(['Unlabeled images', 'Train split', 'Val split', 'Test split', 'Unassigned split']);
    expect(choices[0].target).toEqual({ kind: 'unlabeled' });
    expect(choices.find((c) => c.key === 'val')?.target).toEqual({ kind: 'split', split: 'val' });
  });

  it('offers the open image and the selection only when there is one, as image targets', () => {
    const choices = predictionChoices({ openImageId: 7, selectedIds: [3, 9] });
    expect(choices.slice(0, 3).map((c) => c.label)).toEqual(['Unlabeled images', 'The open image', 'Selected images (2)']);
    expect(choices.find((c) => c.key === 'open')?.target).toEqual({ kind: 'images', ids: [7] });
    expect(choices.find((c) => c.key === 'selection')?.target).toEqual({ kind: 'images', ids: [3, 9] });
  });

  it('gives every choice its own key (the select value)', () => {
    const keys = predictionChoices({ openImageId: 1, selectedIds: [1] }).map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
