import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LeanAdam, selectBackend } from '../../../electron/ml/engine';

/** Five Adam steps on two variables with fixed pseudo-random gradients; returns final values. */
async function run(make: () => tf.Optimizer): Promise<number[][]> {
  const a = tf.tidy(() => tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', 1)));
  const b = tf.tidy(() => tf.variable(tf.randomNormal([7], 0, 1, 'float32', 2)));
  const optimizer = make();
  for (let step = 0; step < 5; step++) {
    const grads = tf.tidy(() => ({
      [a.name]: tf.randomNormal([3, 4], 0, 1, 'float32', 10 + step),
      [b.name]: tf.randomNormal([7], 0, 2, 'float32', 20 + step),
    }));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const out = [Array.from(await a.data()), Array.from(await b.data())];
  optimizer.dispose();
  tf.dispose([a, b]);
  return out;
}

describe('LeanAdam', () => {
  it.each(['wasm', 'cpu'] as const)('matches tf.train.adam step for step on %s', async (backend) => {
    await selectBackend(backend);
    const expected = await run(() => tf.train.adam(0.01, 0.9, 0.999, 1e-8));
    const before = tf.memory().numTensors;
    const got = await run(() => new LeanAdam(0.01, 0.9, 0.999, 1e-8));
    expect(tf.memory().numTensors).toBe(before);
    for (let v = 0; v < 2; v++) {
      for (let i = 0; i < got[v].length; i++) expect(got[v][i]).toBeCloseTo(expected[v][i], 5);
    }
  });

  it('saves and restores its moments and step count (getWeights / setWeights)', async () => {
    await selectBackend('wasm');
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    const g = tf.tensor1d([0.5, -1, 2]);
    const first = new LeanAdam(0.1);
    first.applyGradients({ [w.name]: g });
    const saved = await first.getWeights();
    expect(saved.map((s) => s.name)).toEqual(['iter', `${w.name}/m`, `${w.name}/v`]);
    const restored = new LeanAdam(0.1);
    await restored.setWeights(saved);
    expect(restored.iterations).toBe(1);
    // The same next step from the original and from the restored optimiser.
    const w2 = tf.tidy(() => tf.variable(w.clone()));
    first.applyGradients({ [w.name]: g });
    const fromRestored = await (async () => {
      const again = await restored.getWeights();
      const renamed = again.map((s) => ({ name: s.name.replace(w.name, w2.name), tensor: s.tensor }));
      const r2 = new LeanAdam(0.1);
      await r2.setWeights(renamed);
      r2.applyGradients({ [w2.name]: g });
      r2.dispose();
      return Array.from(await w2.data());
    })();
    const fromOriginal = Array.from(await w.data());
    fromRestored.forEach((v, i) => expect(v).toBeCloseTo(fromOriginal[i], 6));
    tf.dispose([w, w2, g]);
    [first, restored].forEach((o) => o.dispose());
  });
});
