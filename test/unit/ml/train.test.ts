import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildFcn, createOptimizer, evaluate, predict, selectBackend, trainEpoch, trainStep } from '../../../electron/ml/engine';
import { softmaxCrossEntropyIgnore } from '../../../electron/ml/engine/loss';
import { scoreLogitsResized } from '../../../electron/ml/engine/train';
import type { FcnConfig } from '../../../electron/ml/engine';
import { arraySource, syntheticBatch } from './syntheticSegmentation';

const config: FcnConfig = { head: 'fcn8s', backbone: 'tiny', numClasses: 3, dropout: 0, seed: 5 };

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('training', () => {
  it('learns from sparse labels (95% of pixels = 255)', async () => {
    const model = buildFcn(config);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 3e-3 });
    const train = [0, 1, 2, 3].map((i) => syntheticBatch(4, 64, 100 + i, 0.95));
    const labeled = train.reduce((a, b) => a + b.masks.filter((v) => v !== 255).length, 0);
    expect(labeled / train.reduce((a, b) => a + b.masks.length, 0)).toBeLessThan(0.06);
    const val = arraySource([syntheticBatch(4, 64, 999)]); // dense labels
    const before = await evaluate(model, val);
    let first = 0;
    let last = 0;
    for (let epoch = 0; epoch < 12; epoch++) {
      const r = await trainEpoch(model, optimizer, arraySource(train), { epoch });
      if (epoch === 0) first = r.meanLoss;
      last = r.meanLoss;
    }
    const after = await evaluate(model, val);
    expect(last).toBeLessThan(first * 0.6);
    // Background is ~60% of pixels: beating it means the rectangles are found.
    expect(after.metrics.pixelAccuracy).toBeGreaterThan(0.85);
    expect(after.metrics.meanIoU).toBeGreaterThan(before.metrics.meanIoU + 0.3);
    model.dispose();
    optimizer.dispose();
  });

  it('keeps tf.memory().numTensors flat across epochs, evaluation and prediction', async () => {
    const model = buildFcn(config);
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 1e-2, momentum: 0.9 });
    const source = arraySource([syntheticBatch(2, 32, 1), syntheticBatch(2, 32, 2)]);
    const counts: number[] = [];
    const progress: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      await trainEpoch(model, optimizer, source, { epoch, onProgress: (p) => progress.push(p.numTensors) });
      await evaluate(model, source);
      await predict(model, { data: new Float32Array(33 * 35 * 3).fill(90), width: 35, height: 33 });
      counts.push(tf.memory().numTensors);
    }
    // The first epoch creates the optimiser's slots; after that nothing may accumulate.
    expect(counts[3]).toBe(counts[1]);
    expect(new Set(progress.slice(2)).size).toBe(1);
    model.dispose();
    optimizer.dispose();
  });

  it('reports progress with step, loss, images/s and ETA, and stops when cancelled', async () => {
    const model = buildFcn(config);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
    const controller = new AbortController();
    const events: { step: number; loss: number; imagesPerSecond: number; etaSeconds: number | null }[] = [];
    const result = await trainEpoch(model, optimizer, arraySource([0, 1, 2, 3, 4].map((i) => syntheticBatch(2, 32, i))), {
      epoch: 0,
      signal: controller.signal,
      onProgress: (p) => {
        events.push(p);
        if (p.step === 2) controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.steps).toBe(2);
    expect(events.map((e) => e.step)).toEqual([1, 2]);
    expect(events[0].loss).toBeGreaterThan(0);
    expect(events[0].imagesPerSecond).toBeGreaterThan(0);
    expect(events[1].etaSeconds).toBeGreaterThan(0);
    model.dispose();
    optimizer.dispose();
  });

  it('a step on a size that is not a multiple of 32 has the loss and gradients of the cropped logits (padding scored as unlabeled)', async () => {
    const batch = syntheticBatch(2, 40, 321, 0.3);
    const odd = { ...batch, height: 40, width: 40 };
    // 40×40 is padded to 64×64 inside the network; keep the batch's own 40×40 crop as it is.
    const reference = buildFcn(config);
    const trained = buildFcn(config);
    const sgd = { name: 'sgd' as const, learningRate: 0.05 };
    const optimizer = createOptimizer(sgd);
    const loss = await trainStep(trained, optimizer, odd);
    const images = tf.tensor4d(odd.images, [2, 40, 40, 3]);
    const labels = tf.tensor3d(Int32Array.from(odd.masks), [2, 40, 40], 'int32');
    const vars = [...reference.weights.values()];
    const { value, grads } = tf.variableGrads(() => softmaxCrossEntropyIgnore(reference.forward(images, true), labels), vars);
    expect(loss).toBeCloseTo((await value.data())[0], 5);
    for (const [name, v] of reference.weights) {
      const expected = tf.tidy(() => tf.sub(v, tf.mul(grads[v.name], sgd.learningRate)));
      const got = (await trained.w(name).data()) as Float32Array;
      const want = (await expected.data()) as Float32Array;
      let worst = 0;
      want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i] - w))));
      expect(worst, name).toBeLessThan(1e-5);
      expected.dispose();
    }
    tf.dispose([images, labels, value, ...Object.values(grads)]);
    reference.dispose();
    trained.dispose();
    optimizer.dispose();
  });

  it('frozen backbone: only head weights move', async () => {
    const model = buildFcn(config);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-2 });
    const before = await model.w('block1_conv1/kernel').data();
    await trainStep(model, optimizer, syntheticBatch(2, 32, 3), { freezeBackbone: true });
    expect(Array.from(await model.w('block1_conv1/kernel').data())).toEqual(Array.from(before));
    expect((await model.w('score_fr/bias').data()).some((v) => v !== 0)).toBe(true);
    // Then everything trains with the same optimiser (slots stay aligned).
    await trainStep(model, optimizer, syntheticBatch(2, 32, 4));
    expect(Array.from(await model.w('block1_conv1/kernel').data())).not.toEqual(Array.from(before));
    model.dispose();
    optimizer.dispose();
  });
});

describe('prediction', () => {
  it('tiles very large images and agrees with whole-image prediction away from tile seams', async () => {
    const model = buildFcn({ ...config, seed: 21 });
    const optimizer = createOptimizer({ name: 'adam', learningRate: 3e-3 });
    for (let i = 0; i < 15; i++) await trainStep(model, optimizer, syntheticBatch(4, 64, 300 + i));
    const big = syntheticBatch(1, 160, 77);
    const image = { data: big.images, width: 160, height: 160 };
    const whole = await predict(model, image);
    const tiled = await predict(model, image, { maxPixels: 64 * 64, tileSize: 96, overlap: 32 });
    expect(tiled.mask.length).toBe(160 * 160);
    let same = 0;
    for (let i = 0; i < whole.mask.length; i++) if (whole.mask[i] === tiled.mask[i]) same++;
    expect(same / whole.mask.length).toBeGreaterThan(0.9);
    // Every pixel was written (confidence of a softmax argmax is at least 1/numClasses).
    expect(tiled.confidence.every((c) => c >= 1 / 3 - 1e-6)).toBe(true);
    expect(tiled.meanEntropy).toBeCloseTo(whole.meanEntropy, 1);
    model.dispose();
    optimizer.dispose();
  });

  it('upsamples the logits bilinearly before the argmax, as tf.image.resizeBilinear does', async () => {
    const model = buildFcn({ ...config, seed: 23 });
    const optimizer = createOptimizer({ name: 'adam', learningRate: 3e-3 });
    for (let i = 0; i < 10; i++) await trainStep(model, optimizer, syntheticBatch(4, 64, 400 + i));
    const small = syntheticBatch(1, 40, 91);
    const image = { data: small.images, width: 40, height: 40 };
    const up = await predict(model, image, { outputSize: { width: 100, height: 90 } });
    expect([up.width, up.height, up.mask.length]).toEqual([100, 90, 9000]);
    // The reference: TF.js's own bilinear resize (half-pixel centres) of the logits, then argmax and softmax.
    const [refMask, refConf] = tf.tidy(() => {
      const logits = tf.image.resizeBilinear(model.forward(tf.tensor4d(image.data, [1, 40, 40, 3]), false) as tf.Tensor4D, [90, 100], false, true);
      return [tf.argMax(logits, -1), tf.max(tf.softmax(logits, -1), -1)];
    });
    const [m, c] = await Promise.all([refMask.data(), refConf.data()]);
    tf.dispose([refMask, refConf]);
    let same = 0;
    for (let i = 0; i < m.length; i++) if (m[i] === up.mask[i]) same++;
    // Ties between nearly equal logits may flip; everything else agrees.
    expect(same / m.length).toBeGreaterThan(0.999);
    for (let i = 0; i < c.length; i += 97) expect(up.confidence[i]).toBeCloseTo(c[i], 4);
    model.dispose();
    optimizer.dispose();
  });

  it('puts an upsampled edge between the network pixels, where nearest neighbour makes steps', () => {
    // Two classes, a vertical edge between columns 1 and 2 of a 4×1 logit row, upsampled 4×.
    const logits = Float32Array.from([2, -2, 1, -1, -1, 1, -2, 2]);
    const { mask, confidence } = scoreLogitsResized(logits, 4, 1, 2, 16, 1);
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    // Confidence falls towards the edge, where the blended logits meet.
    expect(confidence[7]).toBeLessThan(confidence[5]);
    expect(confidence[0]).toBeCloseTo(1 / (1 + Math.exp(-4)), 5);
  });
});
