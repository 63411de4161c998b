/**
 * Acceptance for live training (issue 12): `live.camvid_scribbles_10min_miou`.
 *
 * A fresh project with the first 20 CamVid train images by name outside the `0006R0` sequence
 * (unlabeled) and that sequence as the labeled val split. A user "scribbles" for SCRIBBLE minutes
 * (default 5): the scribble set's strokes (bench/scribbles.ts via bench/camvidScribbles.ts, ~5 % of the pixels) are saved
 * one by one through labels:save, as the editor saves them, with Live on; then Live trains LIVE more
 * minutes (default 10). Prints the mean IU on the held-out sequence of the model Live has when turned
 * off (its last checkpoint, not the best of its validations on that sequence); with --peer, beside
 * the PyTorch peer trained LIVE minutes on the same scribble files (ratio = ours / peer); with
 * --explicit, beside `train --max-minutes LIVE` on the same saved labels: both runs' last
 * checkpoints compared (their best ones, picked on this very sequence, in the note), with the
 * explicit run's crops and steps per minute (FCN_LIVE_TRACE=1 prints Live's).
 *
 *   npx tsx bench/acceptance/liveScribbles.ts [--scribble-minutes 5] [--live-minutes 10] [--peer] [--explicit]
 *
 * Run it on a quiet machine: it measures what wall-clock minutes buy. Needs ../shared/datasets/camvid.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Backend } from '../../electron/backend/backend';
import { Project } from '../../electron/backend/project';
import { evaluateRun } from '../../electron/backend/training/predictionService';
import { sourceMlSupervisor } from '../../electron/host/studioHost';
import type { Result } from '../../shared/contract/errors';
import type { Channel, ReplyOf } from '../../shared/contract/rendererContract';
import { decodeMaskPng, encodeMaskPng } from '../../shared/mask/maskPng';
import { benchLine } from '../benchLine';
import { camvidScribbleSet } from '../camvidScribbles';
import { CAMVID_DIR, SHARED_DIR } from '../datasets';

const ID = 'live.camvid_scribbles_10min_miou';
const { values: args } = parseArgs({
  options: {
    'scribble-minutes': { type: 'string', default: '5' },
    'live-minutes': { type: 'string', default: '10' },
    peer: { type: 'boolean', default: false },
    explicit: { type: 'boolean', default: false },
  },
});
const scribbleMinutes = Number(args['scribble-minutes']);
const liveMinutes = Number(args['live-minutes']);
const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function cli(...cliArgs: string[]): string {
  const result = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'electron', 'host', 'bin.mjs'), ...cliArgs], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });
  if (result.status !== 0) throw new Error(`fcn-studio ${cliArgs.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** A folder of links to `files` (the CLI imports folders). */
function linkFolder(dir: string, files: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const f of files) symlinkSync(f, join(dir, basename(f)));
  return dir;
}

/** An explicit run's pace from its epochs: crops and steps per minute of training (validation excluded). */
function trainingPace(projectDir: string, runId: number): string {
  const project = Project.open(projectDir);
  try {
    const run = project.runs.byId(runId)!;
    const settings = run.config.settings as { batch: number };
    const epochs = project.runs.epochs(runId);
    const images = run.config.trainImages as number;
    const minutes = epochs.reduce((sum, e) => sum + e.seconds, 0) / 60;
    // The last epoch may have stopped early: its images per second times its seconds counts what it did.
    const crops = epochs.reduce((sum, e) => sum + e.imagesPerSecond * e.seconds, 0);
    const steps = crops / settings.batch;
    return `${epochs.length} epochs of ${images} images, ${crops.toFixed(0)} crops, ${(steps / minutes).toFixed(1)} steps/min, ${(crops / minutes).toFixed(0)} crops/min over ${minutes.toFixed(1)} min of training`;
  } finally {
    project.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(CAMVID_DIR)) {
    console.log(JSON.stringify(benchLine(ID, null, 'mIoU', null, `skipped: ${CAMVID_DIR} is absent`)));
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'fcn-live-acceptance-'));
  log(`work folder ${work}`);
  const set = camvidScribbleSet(join(work, 'scribbles'));
  const projectDir = join(work, 'project');
  cli('init', '--project', projectDir, '--classes', join(CAMVID_DIR, 'classes.json'));
  cli('import', '--project', projectDir, '--images', linkFolder(join(work, 'train'), set.images), '--split', 'train', '--json');
  const holdoutLabels = set.holdout.map((f) => join(CAMVID_DIR, 'train', 'labels', basename(f).replace(/\.[^.]+$/, '.png')));
  cli('import', '--project', projectDir, '--images', linkFolder(join(work, 'holdout'), set.holdout), '--labels', linkFolder(join(work, 'holdout-labels'), holdoutLabels), '--format', 'png-gray', '--split', 'val', '--json');

  const ml = sourceMlSupervisor();
  ml.start();
  const backend = new Backend({ mode: 'browser', version: 'acceptance', ml });
  const call = async <C extends Channel>(channel: C, request: unknown): Promise<ReplyOf<C>> => {
    const result = (await backend.invoke(channel, request)) as Result<ReplyOf<C>>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value;
  };
  let lastStatus = '';
  backend.events.on('live:status', (s) => {
    lastStatus = `round ${s.round}, ${s.trainImages} images, ${s.labeledPixels} px, val mean IU ${s.valMeanIoU?.toFixed(4) ?? '–'}`;
  });
  await call('project:open', { path: projectDir });
  const images = new Map((await call('images:list', { split: 'train' })).map((i) => [i.fileName, i]));
  const first = images.get(basename(set.images[0]))!;
  const { runId } = await call('live:start', { imageId: first.id });
  if (runId === null) throw new Error('live:start gave no run');

  // The scribbling: every stroke saved on its own, spread evenly over the scribbling minutes.
  const strokes = set.images.flatMap((file) => set.strokes.get(basename(file))!.map((pixels) => ({ file, pixels })));
  const masks = new Map<string, { values: Uint8Array; truth: Uint8Array; version: number }>();
  const started = performance.now();
  for (const [k, { file, pixels }] of strokes.entries()) {
    const image = images.get(basename(file))!;
    let m = masks.get(file);
    if (!m) {
      const truth = decodeMaskPng(readFileSync(join(set.labels, basename(file).replace(/\.[^.]+$/, '.png')))).values;
      m = { values: new Uint8Array(image.width * image.height).fill(255), truth, version: 0 };
      masks.set(file, m);
      await call('live:focus', { imageId: image.id });
    }
    for (const p of pixels) m.values[p] = m.truth[p];
    m.version = (await call('labels:save', { imageId: image.id, baseVersion: m.version, png: encodeMaskPng({ width: image.width, height: image.height, values: m.values }) })).version;
    await sleep(started + ((k + 1) * scribbleMinutes * 60_000) / strokes.length - performance.now());
    if (k % 50 === 0) log(`stroke ${k + 1}/${strokes.length}; ${lastStatus}`);
  }
  log(`scribbled ${strokes.length} strokes (${(set.coverage * 100).toFixed(1)} % of the pixels); Live trains ${liveMinutes} more minutes`);
  for (let minute = 0; minute < liveMinutes; minute++) {
    await sleep(60_000);
    log(`live +${minute + 1} min: ${lastStatus}`);
  }
  await call('live:stop', {});
  await call('project:close', {});

  const project = Project.open(projectDir);
  // The model Live had when turned off (its `last/`), not the best of its validations: those
  // scored on this very sequence, and the final minutes are often not validated yet.
  const live = await evaluateRun(project, ml, String(runId), 'val', 'last');
  // Per class, to see whether rare classes (pole, sign, pedestrian, bicyclist) are learned at all.
  log(`live per-class IoU: ${live.classes.map((c, i) => `${c} ${live.perClassIoU[i]?.toFixed(3) ?? '–'}`).join(', ')}`);
  const validated = project.runs.epochs(runId).flatMap((e) => (e.meanIoU === null ? [] : [e.meanIoU]));
  project.close();
  let peer: number | null = null;
  let peerNote = 'peer not run (--peer)';
  if (args.peer) {
    const out = join(work, 'peer.json');
    log('peer: training on the same scribble files');
    const run = spawnSync('/usr/bin/python3', [join(SHARED_DIR, 'peer', 'camvid_peer_train.py'), '--minutes', String(liveMinutes), '--train_labels', set.labels, '--train_count', '20', '--holdout_prefix', '0006R0', '--no_test', '--out', out], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status === 0) {
      peer = (JSON.parse(readFileSync(out, 'utf8')) as { final_val: { mean_iou: number } }).final_val.mean_iou;
      peerNote = `PyTorch peer ${liveMinutes} min on the same scribble files: ${peer.toFixed(4)}`;
    } else peerNote = `peer failed (exit ${run.status})`;
  }
  const note = `live run ${runId}: ${scribbleMinutes} min of simulated scribbling (${strokes.length} strokes, ${(set.coverage * 100).toFixed(1)} % of 20 images' pixels) + ${liveMinutes} min of Live; mean IU on the held-out 0006R0 sequence (101 images) of the model when Live was turned off (its best validation during the run: ${validated.length ? Math.max(...validated).toFixed(4) : 'none'}, at training scale); ${peerNote}; ratio = ours / peer, goal ≥ 1.0`;
  console.log(JSON.stringify(benchLine(ID, live.meanIoU, 'mIoU', peer, note)));
  if (args.explicit) {
    log(`explicit: train --max-minutes ${liveMinutes} on the same saved labels`);
    cli('train', '--project', projectDir, '--max-minutes', String(liveMinutes), '--json');
    const reopened = Project.open(projectDir);
    const explicitRun = reopened.runs.all().find((r) => r.config.live !== true)!;
    reopened.close();
    // Like with like: both runs' last checkpoints (the model when the minutes ended) and both best
    // ones (picked by validations on this very held-out sequence, so flattered alike).
    const score = async (run: number, checkpoint: 'best' | 'last') => {
      const p = Project.open(projectDir);
      try {
        return (await evaluateRun(p, ml, String(run), 'val', checkpoint)).meanIoU;
      } finally {
        p.close();
      }
    };
    const explicitLast = await score(explicitRun.id, 'last');
    const explicitBest = await score(explicitRun.id, 'best');
    const liveBest = await score(runId, 'best');
    const pace = trainingPace(projectDir, explicitRun.id);
    log(`explicit run ${explicitRun.id}: ${pace}; mean IU last ${explicitLast.toFixed(4)}, best ${explicitBest.toFixed(4)}; live last ${live.meanIoU.toFixed(4)}, best ${liveBest.toFixed(4)}`);
    console.log(
      JSON.stringify(
        benchLine(
          `${ID}.vs_explicit`,
          live.meanIoU,
          'mIoU',
          explicitLast,
          `last checkpoints: live ${live.meanIoU.toFixed(4)} vs train --max-minutes ${liveMinutes} on the same labels ${explicitLast.toFixed(4)} (best checkpoints, chosen on this held-out sequence: live ${liveBest.toFixed(4)}, explicit ${explicitBest.toFixed(4)}; explicit ${pace}); goal ratio ≥ 0.9`,
        ),
      ),
    );
  }
  await backend.dispose();
}

await main();
