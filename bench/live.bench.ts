import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Backend } from '../electron/backend/backend';
import { importImages } from '../electron/backend/importService';
import { Project } from '../electron/backend/project';
import { sourceMlSupervisor } from '../electron/host/studioHost';
import type { Result } from '../shared/contract/errors';
import type { Channel, ReplyOf } from '../shared/contract/rendererContract';
import type { LivePrediction } from '../shared/domain/live';
import { presetClassFile } from '../shared/domain/presets';
import { decodeMaskPng, encodeMaskPng } from '../shared/mask/maskPng';
import { resizeNearest } from '../shared/mask/resizeNearest';
import { benchLine, type BenchSuite } from './benchLine';
import { measureEditor, pointerMoveNote } from './editor/editor.bench';
import type { EditorBenchResult } from './editor/editorBenchPage';
import { CAMVID_DIR } from './datasets';

const IMAGES = 6;
const STROKES = 12;
/** Rows one stroke covers on a 480×360 frame (a 4-px brush dragged across the image); scaled with the image. */
const STROKE_ROWS = 4;
/** The large image: 12 MP frames made by upscaling CamVid frames (the labels upscaled alike). */
const LARGE = { width: 4000, height: 3000, images: 3, strokes: 4 };

interface Mask {
  width: number;
  height: number;
  truth: Uint8Array;
  values: Uint8Array;
  version: number;
}

/**
 * `live.stroke_to_overlay_s`: seconds from a saved stroke (labels:save of a CamVid 480×360 image,
 * one more 4-px band of its true labels) to the first live prediction of that image from a model
 * that has trained on that label version — what the editor's overlay then draws. Through the real
 * backend and ML process with Live's defaults; p50 (goal ≤ 3 s) and p95 over 12 strokes.
 * `live.editor_pointermove_p95_ms_while_training`: the editor bench's pointer-move p95 (Chromium,
 * 12 MP mask) while Live trains in the background on a project of 12 MP images with one of them
 * open (its 12 MP prediction sent and stored after every round), paused by `live:painting` as
 * the app does (goal ≤ 4 ms), beside the same with training running on; and the same two on the
 * 480×360 CamVid project.
 */
export const liveBench: BenchSuite = {
  name: 'live',
  async run(emit) {
    if (!existsSync(CAMVID_DIR)) {
      emit(benchLine('live.stroke_to_overlay_s', null, 's', null, `skipped: ${CAMVID_DIR} is absent`));
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'fcn-live-bench-'));
    const ml = sourceMlSupervisor();
    const backend = new Backend({ mode: 'browser', version: 'bench', ml });
    try {
      const imagesDir = join(CAMVID_DIR, 'train', 'images');
      const files = readdirSync(imagesDir).sort().slice(0, IMAGES);
      const truthOf = (file: string) => decodeMaskPng(readFileSync(join(CAMVID_DIR, 'train', 'labels', file.replace(/\.jpg$/, '.png'))));
      const small = await createProject(join(dir, 'camvid'), files.map((f) => join(imagesDir, f)));
      const large = await createProject(join(dir, 'large'), await writeLargeImages(join(dir, 'large-images'), imagesDir, files.slice(0, LARGE.images)));
      ml.start();
      const live = new LiveClient(backend);

      // The 480×360 project: Live on with the focus image open, warmed up by labels on another image.
      await live.call('project:open', { path: small });
      const images = await live.call('images:list', { sort: 'name' });
      const smallMasks = new Map(images.map((i, k) => [i.id, emptyMask(truthOf(files[k]))]));
      const [focus, other] = images;
      await live.call('live:start', { imageId: focus.id });
      for (let k = 0; k < 3; k++) await live.stroke(other.id, smallMasks.get(other.id)!, k);
      await live.waitFor((p) => p.imageId === focus.id && p.round >= 3);
      const seconds = await live.strokesToOverlay(focus.id, smallMasks.get(focus.id)!, STROKES);
      const smallEditor = await live.editorWhileTraining(focus.id);
      await live.call('live:stop', {});
      await live.call('project:close', {});

      // The 12 MP project: labels on every image (so Live trains on them), the first one open.
      live.predictions.length = 0;
      await live.call('project:open', { path: large });
      const largeImages = await live.call('images:list', { sort: 'name' });
      const largeMasks = new Map(largeImages.map((i, k) => [i.id, emptyMask(upscaled(truthOf(files[k])))]));
      const largeFocus = largeImages[0];
      await live.call('live:start', { imageId: largeFocus.id });
      for (const image of largeImages.slice(1)) await live.stroke(image.id, largeMasks.get(image.id)!, 0);
      const largeSeconds = await live.strokesToOverlay(largeFocus.id, largeMasks.get(largeFocus.id)!, LARGE.strokes);
      const largeEditor = await live.editorWhileTraining(largeFocus.id);
      await live.call('live:stop', {});
      const backendName = (await live.call('runs:list', {}))[0]?.backend ?? 'unknown backend';
      await live.call('project:close', {});

      const mp = `${LARGE.images} images of ${LARGE.width}×${LARGE.height} (12 MP, upscaled CamVid frames) with the 12 MP one open, its prediction sent and stored after every round`;
      const camvid = `${IMAGES} CamVid 480×360 images`;
      const editorLines = (id: string, project: string, r: EditorRuns) => {
        const whileNote = (what: string) => `the editor bench in Chromium (12 MP mask) while Live trains in the background on ${project} (${what}); ${r.paused ? pointerMoveNote(r.paused) : r.error}`;
        emit(benchLine(id, r.paused?.pointerMoveP95Ms ?? null, 'ms', r.unpaused?.pointerMoveP95Ms ?? null, whileNote('the canvas tells Live the pointer is down and training pauses between steps, as in the app; baseline: the same with training not paused')));
        emit(benchLine(`${id}.unpaused`, r.unpaused?.pointerMoveP95Ms ?? null, 'ms', null, whileNote('training not paused while painting')));
      };
      editorLines('live.editor_pointermove_p95_ms_while_training', mp, largeEditor);
      editorLines('live.editor_pointermove_p95_ms_while_training.camvid', camvid, smallEditor);
      const note = `${STROKES} strokes on a 480×360 CamVid image (${camvid}), saved → live prediction from a model trained on that label version, Live defaults on ${backendName}; goal p50 ≤ 3 s`;
      emit(benchLine('live.stroke_to_overlay_s', quantile(seconds, 0.5), 's', null, `p50; ${note}`));
      emit(benchLine('live.stroke_to_overlay_s.p95', quantile(seconds, 0.95), 's', null, `p95; ${note}`));
      emit(benchLine('live.stroke_to_overlay_s.12mp', quantile(largeSeconds, 0.5), 's', null, `p50 of ${LARGE.strokes} strokes on a ${LARGE.width}×${LARGE.height} image (${mp}), saved → live prediction trained on that label version`));
    } finally {
      await backend.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function createProject(projectDir: string, paths: string[]): Promise<string> {
  const project = Project.create(projectDir, presetClassFile('camvid'));
  try {
    await importImages(project, { paths, split: 'train' });
  } finally {
    project.close();
  }
  return projectDir;
}

/** 12 MP JPEGs of these CamVid frames (Lanczos upscaling), named so they sort as the frames do. */
async function writeLargeImages(outDir: string, imagesDir: string, files: string[]): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  return Promise.all(
    files.map(async (f) => {
      const out = join(outDir, f);
      await sharp(join(imagesDir, f)).resize(LARGE.width, LARGE.height, { fit: 'fill', kernel: 'lanczos3' }).jpeg({ quality: 90 }).toFile(out);
      return out;
    }),
  );
}

function upscaled(mask: { width: number; height: number; values: Uint8Array }): { width: number; height: number; values: Uint8Array } {
  return { width: LARGE.width, height: LARGE.height, values: resizeNearest(mask.values, mask.width, mask.height, LARGE.width, LARGE.height) };
}

function emptyMask(truth: { width: number; height: number; values: Uint8Array }): Mask {
  return { width: truth.width, height: truth.height, truth: truth.values, values: new Uint8Array(truth.width * truth.height).fill(255), version: 0 };
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

interface EditorRuns {
  paused: EditorBenchResult | null;
  unpaused: EditorBenchResult | null;
  error: string;
}

/** The backend as the editor uses it, with the live predictions it has sent so far. */
class LiveClient {
  readonly predictions: LivePrediction[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly backend: Backend) {
    backend.events.on('live:prediction', (p) => {
      if (process.env.LIVE_BENCH_DEBUG) process.stderr.write(`prediction of ${p.imageId} round ${p.round} trained on version ${p.trainedVersion}\n`);
      this.predictions.push(p);
      for (const w of this.waiters) w();
    });
  }

  async call<C extends Channel>(channel: C, request: unknown): Promise<ReplyOf<C>> {
    const result = (await this.backend.invoke(channel, request)) as Result<ReplyOf<C>>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value;
  }

  waitFor(ok: (p: LivePrediction) => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = () => {
        if (!this.predictions.some(ok)) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Adds band `k` of the image's true labels (void stays unlabeled) and saves it as the editor would; the new version. */
  async stroke(imageId: number, m: Mask, k: number): Promise<number> {
    const { width, height } = m;
    const rows = Math.max(STROKE_ROWS, Math.round((STROKE_ROWS * height) / 360));
    const y0 = Math.round((((k * 7 + 3) % 23) * (height - rows)) / 23);
    for (let i = y0 * width; i < (y0 + rows) * width; i++) m.values[i] = m.truth[i] <= 10 ? m.truth[i] : 255;
    const saved = await this.call('labels:save', { imageId, baseVersion: m.version, png: encodeMaskPng({ width, height, values: m.values }) });
    m.version = saved.version;
    return saved.version;
  }

  /** Seconds from each of `count` strokes' save to a prediction of the image trained on it. */
  async strokesToOverlay(imageId: number, m: Mask, count: number): Promise<number[]> {
    const seconds: number[] = [];
    for (let k = 0; k < count; k++) {
      const started = performance.now();
      const version = await this.stroke(imageId, m, k);
      await this.waitFor((p) => p.imageId === imageId && (p.trainedVersion ?? 0) >= version);
      seconds.push((performance.now() - started) / 1000);
    }
    return seconds;
  }

  /**
   * The editor bench while Live trains in the background and predicts `focusId`: as the app runs
   * it (the canvas tells Live the pointer is down, so training pauses between steps), then with
   * training going on.
   */
  async editorWhileTraining(focusId: number): Promise<EditorRuns> {
    const run = async (painting: boolean) => {
      const from = this.predictions.length;
      await this.waitFor((p) => this.predictions.indexOf(p) >= from && p.imageId === focusId);
      if (painting) await this.call('live:painting', { painting: true });
      try {
        return await measureEditor();
      } finally {
        if (painting) await this.call('live:painting', { painting: false });
      }
    };
    const runs: EditorRuns = { paused: null, unpaused: null, error: '' };
    try {
      runs.paused = await run(true);
      runs.unpaused = await run(false);
    } catch (e) {
      runs.error = (e as Error).message;
    }
    return runs;
  }
}
