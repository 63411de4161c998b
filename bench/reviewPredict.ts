import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RendererEvents } from '../shared/contract/rendererContract';
import { presetClassFile } from '../shared/domain/presets';
import { decodeMaskPng } from '../shared/mask/maskPng';
import { Backend } from '../electron/backend/backend';
import { importImages } from '../electron/backend/importService';
import { importPlan } from '../electron/backend/interop/importPlan';
import { Project } from '../electron/backend/project';
import { train } from '../electron/backend/training/trainingService';
import { sourceMlSupervisor } from '../electron/host/studioHost';
import { CAMVID_DIR } from './datasets';

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `review.predict_open_image_ms`: the editor's "Predict this image" on a 480×360 CamVid frame
 * with a small FCN-8s checkpoint, through the real backend and ML process: predictions:start →
 * the predictions:saved event → predictions:get → both PNGs decoded. The editor filling its layer
 * and the Konva draw in Chromium are not included.
 */
export async function predictOpenImage(): Promise<{ ms: number | null; baselineMs: number | null; note: string }> {
  const goal = 'goal ≤ 300 ms';
  if (!existsSync(join(CAMVID_DIR, 'train', 'images'))) return { ms: null, baselineMs: null, note: `skipped: no CamVid at ${CAMVID_DIR}; ${goal}` };
  const dir = join(tmpdir(), `fcn-bench-review-predict-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const ml = sourceMlSupervisor();
  ml.start();
  const backend = new Backend({ mode: 'browser', version: 'bench', ml });
  try {
    const names = readdirSync(join(CAMVID_DIR, 'train', 'images')).sort().slice(0, 3);
    const labeled = { images: join(dir, 'data', 'images'), labels: join(dir, 'data', 'labels') };
    const open = join(dir, 'open');
    for (const d of [labeled.images, labeled.labels, open]) mkdirSync(d, { recursive: true });
    for (const name of names.slice(0, 2)) {
      copyFileSync(join(CAMVID_DIR, 'train', 'images', name), join(labeled.images, name));
      const label = name.replace(/\.jpg$/, '.png');
      copyFileSync(join(CAMVID_DIR, 'train', 'labels', label), join(labeled.labels, label));
    }
    copyFileSync(join(CAMVID_DIR, 'train', 'images', names[2]), join(open, names[2]));
    const projectDir = join(dir, 'project');
    const project = Project.create(projectDir, presetClassFile('camvid'));
    await importImages(project, { ...importPlan(project, { format: 'png-gray', images: [labeled.images], labels: labeled.labels, unlabeledValue: 11 }), split: 'train' });
    await importImages(project, importPlan(project, { format: 'folder', images: [open] }));
    // A small FCN-8s, trained one epoch: what matters here is its size, not its accuracy.
    await train(project, ml, { head: 'fcn8s', backbone: 'small', epochs: 1, longSide: 480, crop: 256, batch: 2, backend: 'auto' });
    project.close();
    backend.openProject(projectDir);
    const imageId = (await backend.invoke('images:list', { status: 'unlabeled' })) as { ok: true; value: Array<{ id: number }> };
    const id = imageId.value[0].id;
    const saved = () =>
      new Promise<void>((resolve) => {
        const listener = (e: RendererEvents['predictions:saved']) => {
          if (e.summary.imageId !== id) return;
          backend.events.off('predictions:saved', listener);
          resolve();
        };
        backend.events.on('predictions:saved', listener);
      });
    const once = async () => {
      const t0 = performance.now();
      const done = saved();
      const started = await backend.invoke('predictions:start', { target: { kind: 'images', ids: [id] } });
      if (!started.ok) throw new Error(started.error.message);
      await done;
      const got = await backend.invoke('predictions:get', { imageId: id });
      if (!got.ok || !got.value) throw new Error('no stored prediction');
      const stored = got.value as { maskPng: Uint8Array; confidencePng: Uint8Array };
      // What the editor does next: decode both (filling its layer from them is a few ms more).
      if (decodeMaskPng(stored.maskPng).values.length !== decodeMaskPng(stored.confidencePng).values.length) throw new Error('mask and confidence differ in size');
      return performance.now() - t0;
    };
    await once();
    const times = [await once(), await once(), await once()];
    const pixelTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await backend.invoke('images:pixels', { id });
      pixelTimes.push(performance.now() - t0);
    }
    const predictedWith = ((await backend.invoke('runs:list', {})) as { ok: true; value: Array<{ backend: string | null }> }).value[0]?.backend;
    return {
      ms: median(times),
      baselineMs: median(pixelTimes),
      note: `"Predict this image" on a 480×360 CamVid frame, small FCN-8s (1 epoch), real backend + ML process (checkpoint load, ${predictedWith ?? '?'} training backend; prediction on ONNX Runtime where auto picks a CPU), event, predictions:get, PNG decode; median of 3 after a warm-up; filling the editor's layer and the Chromium draw are not included; baseline: images:pixels of the same image; ${goal}`,
    };
  } finally {
    await backend.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
