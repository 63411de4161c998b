import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchLine, type BenchSuite } from './benchLine';
import { CAMVID_DIR, SHARED_DIR } from './datasets';
import { runProcess } from './runProcess';

const BIN = join(import.meta.dirname, '..', 'electron', 'host', 'bin.mjs');
const PEER = join(SHARED_DIR, 'peer', 'camvid_peer_train.py');
const MINUTES = 1;

async function cli(...args: string[]): Promise<string> {
  const r = await runProcess(process.execPath, [BIN, ...args]);
  if (r.code !== 0) throw new Error(`fcn-studio ${args[0]} failed (${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
  return r.stdout;
}

/** Training images per second of `train --max-minutes 1` with the defaults: images over training seconds, validation excluded (as the peer counts). */
async function ours(): Promise<{ imagesPerSecond: number; note: string }> {
  const work = mkdtempSync(join(tmpdir(), 'fcn-bench-camvid-'));
  try {
    const project = join(work, 'p');
    await cli('init', '--project', project, '--classes', join(CAMVID_DIR, 'classes.json'));
    for (const split of ['train', 'val']) {
      await cli('import', '--project', project, '--images', join(CAMVID_DIR, split, 'images'), '--labels', join(CAMVID_DIR, split, 'labels'), '--split', split, '--json');
    }
    const lines = (await cli('train', '--project', project, '--max-minutes', String(MINUTES), '--json'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; seconds?: number; imagesPerSecond?: number; settings?: { longSide: number; crop: number; batch: number } });
    const epochs = lines.filter((l) => l.type === 'epoch');
    const seconds = epochs.reduce((s, e) => s + e.seconds!, 0);
    const images = epochs.reduce((s, e) => s + e.seconds! * e.imagesPerSecond!, 0);
    const settings = lines.at(-1)!.settings!;
    return {
      imagesPerSecond: images / seconds,
      note: `ours: ${epochs.length} epochs, ${Math.round(images)} images in ${seconds.toFixed(1)} s of training (long side ${settings.longSide}, crops ${settings.crop}², batch ${settings.batch})`,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The peer's images per second over its training seconds (`--minutes 1`, 240×180, crops 176², batch 8). */
async function peer(): Promise<{ imagesPerSecond: number | null; note: string }> {
  if (!existsSync(PEER)) return { imagesPerSecond: null, note: `no peer: ${PEER} absent` };
  const out = join(tmpdir(), `fcn-bench-camvid-peer-${process.pid}.json`);
  const r = await runProcess('/usr/bin/python3', [PEER, '--minutes', String(MINUTES), '--no_test', '--save_model', 'none', '--out', out]);
  rmSync(out, { force: true });
  const final = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { split?: string; images_seen?: number; train_s?: number })
    .filter((l) => l.split === 'val')
    .at(-1);
  if (!final) return { imagesPerSecond: null, note: `no peer figure (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  return { imagesPerSecond: final.images_seen! / final.train_s!, note: `peer: ${final.images_seen} images in ${final.train_s} s (240×180, crops 176², batch 8, 2 threads)` };
}

/**
 * `train.camvid_small_img_per_s`: CamVid train at the default settings for one minute, training
 * images per second against `camvid_peer_train.py --minutes 1` run right after (never beside it).
 * Goal ratio ≥ 0.67 (higher is better).
 */
export const camvidTrainBench: BenchSuite = {
  name: 'camvid',
  async run(emit) {
    if (!existsSync(CAMVID_DIR)) {
      emit(benchLine('train.camvid_small_img_per_s', null, 'img/s', null, `skipped: ${CAMVID_DIR} absent`));
      return;
    }
    const load0 = loadavg()[0];
    const a = await ours();
    const b = await peer();
    const note = `${a.note}; ${b.note}; ratio = ours/peer, higher is better; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`;
    emit(benchLine('train.camvid_small_img_per_s', a.imagesPerSecond, 'img/s', b.imagesPerSecond, note));
  },
};

// `npx tsx bench/camvidTrain.bench.ts` runs this suite alone and prints its JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await camvidTrainBench.run((line) => console.log(JSON.stringify(line)));
}
