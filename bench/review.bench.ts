import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../electron/backend/project';
import { refreshAgreement } from '../electron/backend/training/predictionService';
import { benchLine, type BenchSuite } from './benchLine';
import { acceptTwelveMegapixels } from './reviewAccept';
import { predictOpenImage } from './reviewPredict';

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The review loop's figures: accepting a prediction on a 12-megapixel image, ranking 10,000 stored
 * predictions for label-next, and showing a fresh prediction of a CamVid frame.
 */
export const reviewBench: BenchSuite = {
  name: 'review',
  async run(emit) {
    const accept = acceptTwelveMegapixels();
    emit(
      benchLine(
        'review.accept_12mp_ms',
        accept.ms,
        'ms',
        accept.baselineMs,
        `accept the prediction where unlabeled on a 4000×3000 mask (a third labeled, ${(accept.pixels / 1e6).toFixed(1)} MP written; tile backups, class counts, RLE diff, history push), median of 5, in Node's V8 (the renderer's engine; the screen-sized redraw is not included); baseline: one copy of the 12 MP mask; goal ≤ 100 ms`,
      ),
    );
    const rank = rankTenThousand();
    emit(
      benchLine(
        'review.rank_10k_ms',
        rank.ms,
        'ms',
        rank.baselineMs,
        `label-next: all 10,000 stored predictions of a run ranked by mean entropy from SQLite (staleness check included), median of 5; baseline: images:list of the same 10,000 images sorted by name; goal ≤ 200 ms`,
      ),
    );
    const { chromium, node } = await predictOpenImage();
    emit(benchLine('review.predict_open_image_ms', chromium.ms, 'ms', chromium.baselineMs, chromium.note));
    emit(benchLine('review.predict_open_image_node_ms', node.ms, 'ms', node.baselineMs, node.note));
  },
};

function rankTenThousand(): { ms: number; baselineMs: number } {
  const dir = join(tmpdir(), `fcn-bench-review-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const project = Project.create(dir, { classes: [{ id: 0, name: 'a', color: [0, 0, 0] }, { id: 1, name: 'b', color: [255, 0, 0] }] });
  try {
    const runId = project.runs.create({ settings: {}, classValues: [0, 1] } as never);
    const tiny = Uint8Array.from([137, 80, 78, 71]);
    project.db.transaction(() => {
      for (let i = 0; i < 10_000; i++) {
        const imageId = project.images.insert({
          path: `/bench/img${i}.png`,
          fileName: `img${i}.png`,
          stem: `img${i}`,
          sha256: `sha${i}`,
          byteSize: 1,
          mtimeMs: 0,
          width: 480,
          height: 360,
          format: 'png',
          copied: false,
          split: 'unassigned',
          thumbnail: { mime: 'image/png', bytes: tiny },
        });
        const entropy = ((i * 7919) % 10_000) / 10_000;
        project.predictions.save({ runId, imageId, maskPng: tiny, confidencePng: tiny, meanEntropy: entropy, meanMargin: 1 - entropy, labelVersion: 0, agreement: null });
      }
    })();
    const times: number[] = [];
    const lists: number[] = [];
    for (let round = 0; round < 6; round++) {
      let t0 = performance.now();
      refreshAgreement(project, runId);
      const queue = project.predictions.queue(runId, 'uncertain', 'entropy', 10_000);
      const t = performance.now() - t0;
      if (queue.length !== 10_000 || queue[0].score < queue[9_999].score) throw new Error('the ranking bench ranked wrongly');
      t0 = performance.now();
      project.images.list({ sort: 'name', descending: false });
      lists.push(performance.now() - t0);
      if (round > 0) times.push(t);
    }
    return { ms: median(times), baselineMs: median(lists) };
  } finally {
    project.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
