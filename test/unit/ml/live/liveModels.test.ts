import { describe, expect, it } from 'vitest';

import type { FcnModel } from '../../../../electron/ml/engine';
import { LiveModels, type TrainedModel } from '../../../../electron/ml/live/liveModels';

/** A stand-in for a model and its optimiser: only what LiveModels touches (dispose), counted. */
function trained(name: string, startedAt: number, valMeanIoU: number | null, disposed: string[]): TrainedModel {
  const model = { name, dispose: () => disposed.push(`${name} model`) } as unknown as FcnModel;
  const optimizer = { dispose: () => disposed.push(`${name} optimizer`) } as unknown as TrainedModel['optimizer'];
  return { model, optimizer, startedAt, startPixels: 100, valMeanIoU, trained: new Map() };
}

const name = (m: FcnModel) => (m as unknown as { name: string }).name;

describe('live models: consolidation and hand-over', () => {
  it('keeps the overlay on the previous model until the fresh one validates as well', () => {
    const disposed: string[] = [];
    const models = new LiveModels(trained('old', 0, 0.3, disposed));
    models.consolidate(trained('fresh', 60_000, null, disposed));
    expect(models.consolidating).toBe(true);
    expect(name(models.overlay.model)).toBe('old');
    expect(name(models.current.model)).toBe('fresh');
    // Worse on val and younger than the previous model was: not yet.
    expect(models.readyToHandOver(0.29, 90_000, 600_000)).toBe(false);
    expect(models.readyToHandOver(null, 90_000, 600_000)).toBe(false);
    // As good on val: now.
    expect(models.readyToHandOver(0.3, 90_000, 600_000)).toBe(true);
    models.handOver();
    expect(models.consolidating).toBe(false);
    expect(name(models.overlay.model)).toBe('fresh');
    expect(disposed).toEqual(['old model', 'old optimizer']);
  });

  it('hands over by time: once the fresh model has trained as long as the previous one had, at most maxMs', () => {
    const models = new LiveModels(trained('old', 0, 0.5, []));
    models.consolidate(trained('fresh', 60_000, null, []));
    expect(models.readyToHandOver(0.1, 119_000, 600_000)).toBe(false);
    expect(models.readyToHandOver(0.1, 120_000, 600_000)).toBe(true);
    // A previous model that trained an hour: the fresh one waits at most maxMs.
    const long = new LiveModels(trained('old', 0, 0.5, []));
    long.consolidate(trained('fresh', 3_600_000, null, []));
    expect(long.readyToHandOver(null, 3_600_000 + 599_000, 600_000)).toBe(false);
    expect(long.readyToHandOver(null, 3_600_000 + 600_000, 600_000)).toBe(true);
  });

  it('drops the fresh model when the labels change before it hands over: the previous one trains on', () => {
    const disposed: string[] = [];
    const models = new LiveModels(trained('old', 0, 0.3, disposed));
    models.consolidate(trained('fresh', 60_000, null, disposed));
    models.abandon();
    expect(models.consolidating).toBe(false);
    expect(name(models.current.model)).toBe('old');
    expect(name(models.overlay.model)).toBe('old');
    expect(disposed).toEqual(['fresh model', 'fresh optimizer']);
    expect(models.readyToHandOver(1, 1e9, 1)).toBe(false);
    models.disposeAll();
    expect(disposed).toEqual(['fresh model', 'fresh optimizer', 'old model', 'old optimizer']);
  });
});
