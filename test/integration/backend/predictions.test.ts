import { describe, expect, it } from 'vitest';
import { decodeMaskPng, encodeMaskPng } from '../../../shared/mask/maskPng';
import type { PredictionSummary } from '../../../shared/review/predictions';
import { saveLabels } from '../../../electron/backend/labelService';
import {
  defaultPredictionRun,
  predictForReview,
  predictionItems,
  refreshAgreement,
} from '../../../electron/backend/training/predictionService';
import { train } from '../../../electron/backend/training/trainingService';
import { mlReady, useTrainingBackend } from '../../fixtures/trainingProject';

const env = useTrainingBackend({ count: 10, size: 32, train: 8 });

const SETTINGS = { backbone: 'small' as const, longSide: 32, crop: 32, batch: 4, backend: 'wasm' as const, learningRate: 3e-3 };

const ready = () => mlReady(env.ml);

describe('predictions as review data', () => {
  it('stores mask, confidence, entropy, margin and agreement per (image, run), never touching labels; agreement follows later label saves', async () => {
    await ready();
    const { runId } = await train(env.project, env.ml, { ...SETTINGS, epochs: 2 });
    expect(defaultPredictionRun(env.project)).toBe(runId);
    const images = env.project.images.all();
    const versionsBefore = images.map((i) => i.labelVersion);
    const saved: PredictionSummary[] = [];
    const progress: number[] = [];
    const result = await predictForReview(env.project, env.ml, runId, predictionItems(env.project, { kind: 'split', split: 'val' }), {
      onSaved: (s) => saved.push(s),
      onProgress: (done) => progress.push(done),
    });
    expect(result).toEqual({ runId, predicted: 2, cancelled: false });
    expect(progress).toEqual([0, 1, 2]);
    expect(env.project.images.all().map((i) => i.labelVersion)).toEqual(versionsBefore);

    const image = images.find((i) => i.id === saved[0].imageId)!;
    const stored = env.project.predictions.get(runId, image.id)!;
    const mask = decodeMaskPng(stored.mask);
    expect([mask.width, mask.height]).toEqual([32, 32]);
    expect(new Set(mask.values).size).toBeLessThanOrEqual(2);
    expect(stored.meanEntropy).toBeGreaterThan(0);
    expect(stored.meanMargin).toBeGreaterThan(0);
    expect(stored.meanMargin).toBeLessThanOrEqual(1);
    // Agreement is against the image's own label, computed here independently.
    const label = decodeMaskPng(env.project.masks.current(image.id)!.png).values;
    const same = label.reduce((n, v, i) => n + (v === mask.values[i] ? 1 : 0), 0);
    expect(stored.agreement).toBeCloseTo(same / label.length, 10);
    expect(saved[0]).toMatchObject({ runId, imageId: image.id, iou: stored.iou, agreement: stored.agreement });

    // A label saved afterwards makes the stored agreement stale; the refresh measures the new label.
    const inverted = mask.values.map((v) => 1 - v);
    saveLabels(env.project, image.id, image.labelVersion, encodeMaskPng({ width: 32, height: 32, values: inverted }));
    expect(env.project.predictions.stale(runId).map((s) => s.imageId)).toEqual([image.id]);
    expect(refreshAgreement(env.project, runId)).toBe(1);
    expect(env.project.predictions.get(runId, image.id)).toMatchObject({ agreement: 0, iou: 0 });
    expect(env.project.predictions.stale(runId)).toEqual([]);
  });

  it('ranks the label-next queues by the stored scores: entropy high first, margin low first, IoU low first', async () => {
    await ready();
    const runId = defaultPredictionRun(env.project);
    const r = await predictForReview(env.project, env.ml, runId, predictionItems(env.project, { kind: 'split', split: 'train' }));
    expect(r).toMatchObject({ predicted: 8, cancelled: false });
    const all = env.project.predictions.summaries(runId);
    expect(all.length).toBe(10);
    // Imported labels count as done; reopened, all ten images are in progress and candidates.
    env.project.images.setDone(all.map((s) => s.imageId), false);
    const byEntropy = env.project.predictions.queue(runId, 'uncertain', 'entropy', 100);
    expect(byEntropy.map((e) => e.score)).toEqual(all.map((s) => s.meanEntropy).sort((a, b) => b - a));
    const byMargin = env.project.predictions.queue(runId, 'uncertain', 'margin', 3);
    expect(byMargin.map((e) => e.score)).toEqual(all.map((s) => s.meanMargin!).sort((a, b) => a - b).slice(0, 3));
    const disagreement = env.project.predictions.queue(runId, 'disagreement', 'entropy', 100);
    expect(disagreement[0].score).toBe(Math.min(...all.map((s) => s.iou!)));
    // Done images leave the labeling queue.
    env.project.images.setDone([byEntropy[0].imageId], true);
    expect(env.project.predictions.queue(runId, 'uncertain', 'entropy', 100).map((e) => e.imageId)).not.toContain(byEntropy[0].imageId);
  });

  it('cancels a prediction job between images and keeps what was predicted, without restarting the ML process', async () => {
    const before = await ready();
    const runId = defaultPredictionRun(env.project);
    const one = predictionItems(env.project, { kind: 'split', split: 'val' })[0];
    const items = Array.from({ length: 3000 }, () => one);
    const controller = new AbortController();
    const result = await predictForReview(env.project, env.ml, runId, items, { signal: controller.signal, onSaved: () => controller.abort() });
    expect(result.cancelled).toBe(true);
    expect(result.predicted).toBeGreaterThanOrEqual(1);
    expect(result.predicted).toBeLessThan(items.length);
    expect(env.ml.status()).toMatchObject({ state: 'ready', pid: before.pid });
  });
});
