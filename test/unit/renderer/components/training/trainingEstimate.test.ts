import { describe, expect, it } from 'vitest';
import type { RunSummary, TrainingData } from '../../../../../shared/contract/rendererContract';
import { describeTrainingData, estimateRun } from '../../../../../renderer/components/training/trainingEstimate';

const data: TrainingData = { train: { labeled: 12, leftOut: 3 }, val: { labeled: 10, leftOut: 0 } };

function run(id: number, settings: Record<string, unknown>, epochSeconds: number[], trainImages = 12): RunSummary {
  return {
    id,
    status: 'completed',
    jobId: null,
    createdAt: '2026-01-01T00:00:00Z',
    backend: 'wasm',
    backendReason: null,
    error: null,
    settings,
    initialWeights: null,
    epochs: epochSeconds.map((seconds, i) => ({ epoch: i + 1, trainLoss: 1, valLoss: 1, meanIoU: 0.5, pixelAccuracy: 0.9, seconds, imagesPerSecond: 4 })),
    finishedAt: null,
    trainImages,
    valImages: 10,
    predictions: 0,
    bestEpoch: null,
  };
}

const fcn8sSmall = { head: 'fcn8s', backbone: 'small' };

describe('what a new run will do', () => {
  it('names the labeled images it trains and validates on, and what it leaves out', () => {
    expect(describeTrainingData(data)).toBe('Trains on 12 labeled train images, validates on 10 labeled val images. Left out (unlabeled or file missing): 3 train.');
    expect(describeTrainingData({ train: { labeled: 1, leftOut: 0 }, val: { labeled: 0, leftOut: 0 } })).toBe('Trains on 1 labeled train image, validates on 0 labeled val images.');
  });

  it('says how many epochs a time budget buys at the newest matching run’s speed', () => {
    const runs = [run(3, { head: 'fcn32s', backbone: 'small' }, [1]), run(2, fcn8sSmall, [12, 12]), run(1, fcn8sSmall, [60])];
    // 12 s an epoch with 12 images: 30 minutes are 150 epochs.
    expect(estimateRun({ head: 'fcn8s', backbone: 'small', epochs: null, maxMinutes: 30 }, data, runs)).toBe("About 30 min 00 s, ~150 epochs at run #2's speed.");
    // Fewer epochs than the minutes allow: the epochs end it.
    expect(estimateRun({ head: 'fcn8s', backbone: 'small', epochs: 50, maxMinutes: 30 }, data, runs)).toBe("About 10 min 00 s for 50 epochs at run #2's speed.");
  });

  it('scales the epoch time by the number of train images', () => {
    const runs = [run(1, fcn8sSmall, [10], 6)];
    expect(estimateRun({ head: 'fcn8s', backbone: 'small', epochs: 3, maxMinutes: null }, data, runs)).toBe("About 1 min 00 s for 3 epochs at run #1's speed.");
  });

  it('says so when no run of the model has finished an epoch', () => {
    expect(estimateRun({ head: 'fcn8s', backbone: 'vgg16', epochs: 3, maxMinutes: null }, data, [run(1, fcn8sSmall, [10])])).toBe(
      'No finished epoch of an FCN-8s · VGG16 run yet to time this one by.',
    );
  });
});
