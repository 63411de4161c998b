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
import { serveStudio, studioUnavailable } from './reviewStudio';

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const GOAL = 'goal ≤ 300 ms';
/** Chromium repetitions after a warm-up; the figure is their median (p50). */
const CHROMIUM_REPS = 10;

export interface Figure {
  ms: number | null;
  baselineMs: number | null;
  note: string;
}

/**
 * `review.predict_open_image_ms` and its Node-side part, on one small FCN-8s trained on two
 * CamVid frames: `chromium` is the figure (the editor's "Predict this image" clicked in
 * Chromium against the served studio, to the prediction layer's Konva draw), `node` the same job
 * through the backend in this process without the renderer (its baseline: images:pixels).
 */
export async function predictOpenImage(): Promise<{ chromium: Figure; node: Figure }> {
  if (!existsSync(join(CAMVID_DIR, 'train', 'images'))) {
    const skipped = { ms: null, baselineMs: null, note: `skipped: no CamVid at ${CAMVID_DIR}; ${GOAL}` };
    return { chromium: skipped, node: skipped };
  }
  const dir = join(tmpdir(), `fcn-bench-review-predict-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  try {
    const { projectDir, openName } = await frameProject(dir);
    const node = await predictInNode(projectDir);
    const unavailable = studioUnavailable();
    const chromium = unavailable
      ? { ms: null, baselineMs: null, note: `skipped in Chromium: ${unavailable}; ${GOAL}` }
      : await predictInChromium(dir, projectDir, openName, node.ms);
    return { chromium, node };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Two labeled CamVid frames for training and a third, unlabeled, to open; a small FCN-8s trained one epoch. */
async function frameProject(dir: string): Promise<{ projectDir: string; openName: string }> {
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
  const ml = sourceMlSupervisor();
  ml.start();
  try {
    await importImages(project, { ...importPlan(project, { format: 'png-gray', images: [labeled.images], labels: labeled.labels, unlabeledValue: 11 }), split: 'train' });
    await importImages(project, importPlan(project, { format: 'folder', images: [open] }));
    // A small FCN-8s, trained one epoch: what matters here is its size, not its accuracy.
    await train(project, ml, { head: 'fcn8s', backbone: 'small', epochs: 1, longSide: 480, crop: 256, batch: 2, backend: 'auto' });
  } finally {
    project.close();
    await ml.stop();
  }
  return { projectDir, openName: names[2] };
}

/** predictions:start → the predictions:saved event → predictions:get → both PNGs decoded, in this process. */
async function predictInNode(projectDir: string): Promise<Figure> {
  const ml = sourceMlSupervisor();
  ml.start();
  const backend = new Backend({ mode: 'browser', version: 'bench', ml });
  try {
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
      note: `the backend's part of "Predict this image" on a 480×360 CamVid frame, small FCN-8s (1 epoch), real backend + ML process (checkpoint load, ${predictedWith ?? '?'} training backend; prediction on ONNX Runtime where auto picks a CPU), event, predictions:get, PNG decode, in Node without the renderer; median of 3 after a warm-up; baseline: images:pixels of the same image`,
    };
  } finally {
    await backend.dispose();
  }
}

/**
 * The figure: in Chromium against `fcn-studio serve`, the editor open on the frame, a click
 * on "Predict this image" to the prediction layer's Konva draw of the new prediction, both read
 * from the page's own clock (the click time just before the click; the draw time the layer
 * records in data-prediction-drawn-at).
 */
async function predictInChromium(dir: string, projectDir: string, openName: string, nodeMs: number | null): Promise<Figure> {
  const studio = await serveStudio(dir);
  try {
    const page = await studio.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(60_000);
    await page.goto(studio.url);
    await page.getByTestId('open-path').fill(projectDir);
    await page.getByTestId('open-submit').click();
    await page.locator(`[data-testid="image-card"][data-file-name="${openName}"]`).dblclick();
    const canvas = page.getByTestId('editor-canvas');
    const button = page.getByTestId('predict-image');
    const once = async () => {
      await button.waitFor({ state: 'visible' });
      const drawn = await canvas.getAttribute('data-prediction-drawn');
      const clickedAt = await button.evaluate((b) => {
        const t = performance.now();
        (b as HTMLButtonElement).click();
        return t;
      });
      await page.waitForFunction(
        ([el, before]) => (el as HTMLElement).dataset.predictionDrawn !== undefined && (el as HTMLElement).dataset.predictionDrawn !== before,
        [await canvas.elementHandle(), drawn] as const,
      );
      return Number(await canvas.getAttribute('data-prediction-drawn-at')) - clickedAt;
    };
    await once();
    const times: number[] = [];
    for (let i = 0; i < CHROMIUM_REPS; i++) times.push(await once());
    return {
      ms: median(times),
      baselineMs: nodeMs,
      note: `"Predict this image" clicked in the editor on a 480×360 CamVid frame in headless Chromium against fcn-studio serve, small FCN-8s (1 epoch), to the prediction layer's Konva draw of the new prediction (page clock); p50 of ${CHROMIUM_REPS} after a warm-up (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)} ms); baseline: the backend's part measured in Node in the same run (review.predict_open_image_node_ms); ${GOAL}`,
    };
  } finally {
    await studio.close();
  }
}
