import { describe, expect, it } from 'vitest';
import { useMemoryLocalStorage } from '../memoryStorage';

import { DEFAULT_DRAFT } from '../../../../renderer/components/training/TrainingForm';
import { readTrainingDraft, saveTrainingDraft } from '../../../../renderer/state/trainingDraft';

describe('the Training form draft', () => {
  const store = useMemoryLocalStorage();

  it('comes back as it was saved', () => {
    const draft = { ...DEFAULT_DRAFT, backbone: 'mobilenetv2' as const, weights: 'file' as const, weightsFile: '/w.h5', epochs: '12', colorJitter: '0.2' };
    saveTrainingDraft(draft);
    expect(readTrainingDraft()).toEqual(draft);
  });

  it('takes the default for a missing, mistyped or no longer valid field, and for an unreadable draft', () => {
    expect(readTrainingDraft()).toEqual(DEFAULT_DRAFT);
    store.set('fcnStudio.trainingDraft', JSON.stringify({ backbone: 'resnet50', head: 'fcn16s', epochs: 7, batch: '4' }));
    expect(readTrainingDraft()).toEqual({ ...DEFAULT_DRAFT, head: 'fcn16s', batch: '4' });
    store.set('fcnStudio.trainingDraft', '{not json');
    expect(readTrainingDraft()).toEqual(DEFAULT_DRAFT);
  });
});
