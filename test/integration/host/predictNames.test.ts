import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { train } from '../../../electron/backend/training/trainingService';
import { writePredictions } from '../../../electron/host/predictCommand';
import { useTrainingBackend } from '../../fixtures/trainingProject';

const env = useTrainingBackend({ count: 4, size: 32, train: 3 });

it('predict writes one file per image: same stems in different folders, and a stem like a generated name, overwrite nothing', async () => {
  const { runId } = await train(env.project, env.ml, { backbone: 'small', longSide: 32, crop: 32, batch: 2, backend: 'wasm', epochs: 1 });
  const source = env.project.resolveImagePath(env.project.images.all()[0].path);
  const files = ['a/x.png', 'b/x.png', 'c/x-2.png'].map((name) => {
    const path = join(env.root, 'outside', name);
    mkdirSync(join(path, '..'), { recursive: true });
    copyFileSync(source, path);
    return path;
  });
  // As `predict --images` hands them over: files outside the project have no image id.
  const items = files.map((path, k) => ({ imageId: -(k + 1), path, stem: path.split('/').pop()!.replace(/\.png$/, '') }));
  const out = join(env.root, 'predicted');
  const written = await writePredictions(env.project, env.ml, String(runId), items, out);
  expect(written).toBe(3);
  expect(readdirSync(out)).toHaveLength(3);
});
