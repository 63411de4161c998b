import { describe, expect, it } from 'vitest';
import { resolveTrainSettings, runConfigSchema, trainSettingsInputSchema, TRAIN_DEFAULTS } from '../../../../shared/domain/training';

describe('resolveTrainSettings', () => {
  it('takes minutes without epochs as a time budget with no epoch limit', () => {
    expect(resolveTrainSettings({ maxMinutes: 5 }, 480)).toMatchObject({ epochs: null, maxMinutes: 5 });
  });

  it('keeps both limits when both are given, and the default epochs when neither is', () => {
    expect(resolveTrainSettings({ maxMinutes: 5, epochs: 3 }, 480)).toMatchObject({ epochs: 3, maxMinutes: 5 });
    expect(resolveTrainSettings({}, 480)).toMatchObject({ epochs: TRAIN_DEFAULTS.epochs, maxMinutes: null });
  });

  it('trains at full resolution up to 512 px on the long side and scales larger images to 512', () => {
    expect(resolveTrainSettings({}, 300).longSide).toBe(300);
    expect(resolveTrainSettings({}, 512).longSide).toBe(512);
    expect(resolveTrainSettings({}, 4000).longSide).toBe(512);
    // The user's scale wins, and the crop follows it.
    expect(resolveTrainSettings({ longSide: 64 }, 4000)).toMatchObject({ longSide: 64, crop: 48 });
  });

  it('refuses settings out of range with the field named', () => {
    const parsed = trainSettingsInputSchema.safeParse({ batch: 1000 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual(['batch']);
  });
});

describe('runConfigSchema', () => {
  it('reads a run stored before time budgets (epochs always set, no jitter, validated every epoch)', () => {
    const stored = {
      settings: { head: 'fcn8s', backbone: 'small', backend: 'auto', epochs: 50, maxMinutes: null, batch: 8, longSide: 240, crop: 176, learningRate: 1e-3, optimizer: 'adam', seed: 1 },
      classValues: [0, 1],
      trainImages: 12,
      valImages: 4,
    };
    expect(runConfigSchema.parse(stored)).toMatchObject({ settings: { colorJitter: 0, validateEverySeconds: 0 }, initialWeights: null });
  });
});
