/**
 * Quality per minute on CamVid, ours against the PyTorch peer on the same files and minutes, both
 * validated on the `0006R0` video sequence held out of train (CamVid's val shares its sequence with
 * most of train and flatters every model). Prints the run's curve and one bench JSON line.
 *
 *   npx tsx bench/acceptance/camvidQuality.ts scribbles   # quality.camvid_scribbles_10min (20 images, ~5 % scribbles, 10 min)
 *   npx tsx bench/acceptance/camvidQuality.ts holdout     # quality.camvid_30min_holdout (all of train outside 0006R0, 30 min)
 *   … [--minutes M] [--work DIR] [--no-peer] [--pin]
 *
 * --pin runs ours and the peer at the same time, each pinned to one core (taskset; the peer with
 * --threads 1, ours sees one core and sizes its thread pool to it). On a machine other work shares,
 * both then see the same interference in the same minutes, and neither fights the other for cores;
 * without it they run one after the other with every core, as a user's machine would.
 *
 * Ours: `train --max-minutes M` with the defaults (wall-clock minutes, loading and validation
 * included), then `eval` of the best checkpoint. The peer: `--minutes M` of training time (its
 * evaluations excluded). Run on a quiet machine; the load average is in the note.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchLine } from '../benchLine';
import { CAMVID_DIR, SHARED_DIR } from '../datasets';
import { runProcess } from '../runProcess';
import { writeScribbles } from '../scribbles';

const BIN = join(import.meta.dirname, '..', '..', 'electron', 'host', 'bin.mjs');
const PEER = join(SHARED_DIR, 'peer', 'camvid_peer_train.py');
const HOLDOUT = '0006R0';

const CASES = {
  scribbles: { bench: 'quality.camvid_scribbles_10min', minutes: 10, trainCount: 20, scribbles: true },
  holdout: { bench: 'quality.camvid_30min_holdout', minutes: 30, trainCount: 0, scribbles: false },
} as const;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** A folder of links to the given files (the importer takes folders). */
function linkFolder(dir: string, files: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const f of files) symlinkSync(resolve(f), join(dir, f.split('/').at(-1)!));
  return dir;
}

/** With --pin, `taskset -c <core>` in front of a command; else the command itself. */
function onCore(core: number | null, cmd: string, args: string[]): [string, string[]] {
  return core === null ? [cmd, args] : ['taskset', ['-c', String(core), cmd, ...args]];
}

async function cli(args: string[], core: number | null = null): Promise<string> {
  const r = await runProcess(...onCore(core, process.execPath, [BIN, ...args]));
  if (r.code !== 0) throw new Error(`fcn-studio ${args[0]} failed (${r.code}): ${r.stderr.trim()}`);
  process.stderr.write(r.stderr);
  return r.stdout;
}

/** The PyTorch peer on the same files and minutes, on `core` alone (one thread) or on every core. */
function peerProcess(spec: (typeof CASES)[keyof typeof CASES], minutes: number, work: string, trainLabels: string, core: number | null) {
  const peerArgs = [PEER, '--minutes', String(minutes), '--holdout_prefix', HOLDOUT, '--no_test', '--save_model', 'none', '--out', join(work, 'peer.json')];
  if (spec.trainCount) peerArgs.push('--train_count', String(spec.trainCount));
  if (spec.scribbles) peerArgs.push('--train_labels', trainLabels);
  if (core !== null) peerArgs.push('--threads', '1');
  return runProcess(...onCore(core, '/usr/bin/python3', peerArgs));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const which = args[0] as keyof typeof CASES;
  const spec = CASES[which];
  if (!spec) throw new Error('usage: camvidQuality.ts scribbles|holdout [--minutes M] [--work DIR] [--no-peer] [--pin]');
  const minutes = Number(flag(args, '--minutes') ?? spec.minutes);
  if (!existsSync(CAMVID_DIR)) {
    console.log(JSON.stringify(benchLine(spec.bench, null, 'mean IU', null, `skipped: ${CAMVID_DIR} absent`)));
    return;
  }
  const work = flag(args, '--work') ?? mkdtempSync(join(tmpdir(), `fcn-${which}-`));
  const stems = readdirSync(join(CAMVID_DIR, 'train', 'images'))
    .filter((f) => f.endsWith('.jpg'))
    .map((f) => f.slice(0, -4))
    .sort();
  const held = stems.filter((s) => s.startsWith(HOLDOUT));
  const rest = stems.filter((s) => !s.startsWith(HOLDOUT));
  const train = spec.trainCount ? rest.slice(0, spec.trainCount) : rest;
  const image = (s: string) => join(CAMVID_DIR, 'train', 'images', `${s}.jpg`);
  const label = (s: string) => join(CAMVID_DIR, 'train', 'labels', `${s}.png`);

  let trainLabels: string;
  let labeledShare = 1;
  if (spec.scribbles) {
    trainLabels = join(work, 'scribbles');
    labeledShare = await writeScribbles(train.map(label), trainLabels, { ignore: 11, coverage: 0.05, seed: 1 });
  } else {
    trainLabels = linkFolder(join(work, 'train-labels'), train.map(label));
  }
  const project = join(work, 'project');
  const pin = args.includes('--pin');
  const load0 = loadavg()[0];
  await cli(['init', '--project', project, '--classes', join(CAMVID_DIR, 'classes.json')]);
  await cli(['import', '--project', project, '--images', linkFolder(join(work, 'train-images'), train.map(image)), '--labels', trainLabels, '--split', 'train', '--json']);
  await cli(['import', '--project', project, '--images', linkFolder(join(work, 'val-images'), held.map(image)), '--labels', linkFolder(join(work, 'val-labels'), held.map(label)), '--split', 'val', '--json']);

  const runPeer = !args.includes('--no-peer');
  const peerRun = runPeer && pin ? peerProcess(spec, minutes, work, trainLabels, 1) : null;
  const started = performance.now();
  const curve = (await cli(['train', '--project', project, '--max-minutes', String(minutes), '--json'], pin ? 0 : null)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const wallMinutes = (performance.now() - started) / 60_000;
  writeFileSync(join(work, 'curve.jsonl'), curve.map((l) => JSON.stringify(l)).join('\n') + '\n');
  for (const line of curve) if (line.type === 'epoch' && line.meanIoU !== null) console.log(JSON.stringify({ curve: 'ours', ...line }));
  const run = curve.at(-1)!;
  const evaluation = JSON.parse(await cli(['eval', '--project', project, '--run', 'latest', '--split', 'val', '--json'])) as { meanIoU: number; pixelAccuracy: number };
  const lastValidated = [...curve].reverse().find((l) => l.type === 'epoch' && typeof l.meanIoU === 'number');
  const load1 = loadavg()[0];

  let peer: { final: number; best: number; imagesPerSecond: number } | null = null;
  let peerNote = 'peer not run (--no-peer)';
  if (runPeer) {
    const r = await (peerRun ?? peerProcess(spec, minutes, work, trainLabels, null));
    const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const evals = lines.filter((l) => l.split === 'val');
    for (const e of evals) console.log(JSON.stringify({ curve: 'peer', train_s: e.train_s, wall_s: e.wall_s, epochs: e.epochs, mean_iou: e.mean_iou, pixel_acc: e.pixel_acc }));
    const final = evals.at(-1);
    if (r.code === 0 && final) {
      peer = {
        final: final.mean_iou as number,
        best: Math.max(...evals.map((e) => e.mean_iou as number)),
        imagesPerSecond: (final.images_seen as number) / (final.train_s as number),
      };
      peerNote = `peer final ${peer.final} (best of its evals ${peer.best}), ${peer.imagesPerSecond.toFixed(1)} img/s, trains at 240×180`;
    } else {
      peerNote = `peer failed (${r.code}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`;
    }
  }
  const note = [
    `ours: eval of the best checkpoint ${evaluation.meanIoU.toFixed(4)} (last validation ${typeof lastValidated?.meanIoU === 'number' ? lastValidated.meanIoU.toFixed(4) : 'none'}), ` +
      `${String(run.epochs)} epochs in ${wallMinutes.toFixed(1)} min wall, stopped by ${String(run.stoppedBy)}, settings ${JSON.stringify(run.settings)}`,
    peerNote,
    `${train.length} train images (labeled share ${labeledShare.toFixed(3)}), val = ${held.length} ${HOLDOUT} images`,
    pin ? 'ours and the peer at the same time, one core each (--pin)' : 'ours, then the peer, each with every core',
    `load average ${load0.toFixed(2)} → ${load1.toFixed(2)} (2 cores shared with other sessions)`,
    `work dir ${work}`,
  ].join('; ');
  console.log(JSON.stringify(benchLine(spec.bench, evaluation.meanIoU, 'mean IU', peer?.final ?? null, note)));
}

await main();
