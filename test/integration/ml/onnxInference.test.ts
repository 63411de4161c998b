import { rmSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { MlEventMessage } from '../../../shared/contract/mlContract';
import { buildFcn, predict, saveCheckpoint, selectBackend, type FcnModel } from '../../../electron/ml/engine';
import { createOnnxForward } from '../../../electron/ml/onnxInference';
import { runPrediction } from '../../../electron/ml/predictJob';
import { mulberry32 } from '../../../shared/random';
import { tempDir, writeImage } from '../../fixtures/images';

/** A tiny FCN-8s whose every weight is random (a fresh one scores every class 0: argmax would be all ties). */
function randomTinyModel(numClasses: number): FcnModel {
  const fresh = buildFcn({ head: 'fcn8s', backbone: 'tiny', numClasses, dropout: 0.5, seed: 3 });
  const random = mulberry32(11);
  const initial = new Map<string, tf.Tensor>();
  for (const [name, v] of fresh.weights) {
    const fanIn = v.shape.length === 4 ? v.shape[0] * v.shape[1] * v.shape[2] : 16;
    const std = Math.sqrt(2 / fanIn);
    initial.set(name, tf.tensor(Float32Array.from({ length: v.size }, () => (random() * 2 - 1) * std * 1.7), v.shape));
  }
  fresh.dispose();
  const model = buildFcn(fresh.config, initial);
  tf.dispose([...initial.values()]);
  return model;
}

function randomImage(width: number, height: number, seed: number): { data: Float32Array; width: number; height: number } {
  const random = mulberry32(seed);
  return { data: Float32Array.from({ length: width * height * 3 }, () => random() * 255), width, height };
}

describe('prediction through ONNX Runtime', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('gives the masks, confidences and entropy of the engine’s own forward pass, tiles included', async () => {
    const model = randomTinyModel(5);
    const onnx = await createOnnxForward(model);
    expect(onnx, 'onnxruntime-node is an optional dependency installed with the project').not.toBeNull();
    try {
      for (const [image, options] of [
        [randomImage(45, 61, 1), {}],
        [randomImage(150, 90, 2), { maxPixels: 64 * 64, tileSize: 64, overlap: 16 }],
      ] as const) {
        const ours = await predict(model, image, options);
        const viaOnnx = await predict(model, image, { ...options, forward: onnx!.forward });
        let differing = 0;
        let maxConfidenceGap = 0;
        for (let i = 0; i < ours.mask.length; i++) {
          if (ours.mask[i] !== viaOnnx.mask[i]) differing++;
          maxConfidenceGap = Math.max(maxConfidenceGap, Math.abs(ours.confidence[i] - viaOnnx.confidence[i]));
        }
        // Argmax may only flip where two classes tie to within float rounding.
        expect(differing / ours.mask.length).toBeLessThan(0.002);
        expect(maxConfidenceGap).toBeLessThan(1e-4);
        expect(viaOnnx.meanEntropy).toBeCloseTo(ours.meanEntropy, 4);
        expect(new Set(viaOnnx.mask).size).toBeGreaterThan(1);
      }
    } finally {
      await onnx?.dispose();
      model.dispose();
    }
  });
});

describe('the predict job', () => {
  it('predicts through ONNX Runtime when auto picked a CPU backend, and stays on a backend the user named', async () => {
    const dir = tempDir('fcn-onnx-job-');
    try {
      await selectBackend('cpu');
      const model = randomTinyModel(3);
      await saveCheckpoint(join(dir, 'best'), model, { optimizer: null, epoch: 1, metadata: {} });
      model.dispose();
      const image = join(dir, 'a.png');
      await writeImage(image, 70, 50, 'png', 4);
      const run = async (backend: 'auto' | 'cpu') => {
        const events: MlEventMessage[] = [];
        const request = { jobId: backend, checkpoint: join(dir, 'best'), backend, classValues: [0, 4, 9], scaling: { longSide: 64 }, items: [{ imageId: 1, path: image }] };
        const result = await runPrediction(request, (e) => events.push(e), new AbortController().signal);
        return { result, events };
      };
      // On a machine with a hardware GPU auto picks WebGPU, and prediction stays there.
      const autoChoice = (await selectBackend('auto')).backend;
      const auto = await run('auto');
      expect(auto.result.predicted).toBe(1);
      if (autoChoice === 'wasm' || autoChoice === 'cpu') {
        expect(auto.events.find((e) => e.type === 'backend')).toMatchObject({ backend: 'onnxruntime', reason: expect.stringMatching(/ONNX Runtime .* threads/) });
      } else {
        expect(auto.events.find((e) => e.type === 'backend')).toMatchObject({ backend: autoChoice });
      }
      const named = await run('cpu');
      expect(named.events.find((e) => e.type === 'backend')).toMatchObject({ backend: 'cpu' });
      const masks = [auto, named].map(({ events }) => events.find((e) => e.type === 'prediction') as Extract<MlEventMessage, { type: 'prediction' }>);
      expect(masks[0].width).toBe(70);
      expect(new Set(masks[0].mask).size).toBeGreaterThan(1);
      expect([...masks[0].mask].every((v) => [0, 4, 9].includes(v))).toBe(true);
      const same = masks[0].mask.filter((v, i) => v === masks[1].mask[i]).length;
      expect(same / masks[0].mask.length).toBeGreaterThan(0.99);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
