/**
 * Standalone WebGPU benchmark: FCN-8s training step and inference on whatever WebGPU adapter Dawn
 * finds (NVIDIA Vulkan on a GPU machine, Mesa's software GLES here). Prints one JSON line per
 * figure in the format of bench/benchLine.ts, nothing else on stdout (progress goes to stderr).
 *
 * Runs as TypeScript (`npx tsx bench/gpu/webgpuBench.ts`) or bundled by bench/gpu/build.mjs into
 * one CommonJS file that needs only `node` and `node_modules/webgpu` (for the GPU machine, which
 * has no Node and no network: see bench/gpu/README.md).
 *
 * Options (argv or environment):
 *   --cases small,vgg16,vgg16_b8     which cases (default all); env WEBGPU_BENCH_CASES
 *   --iters N --warmups N            timed runs (median) and warm-ups (default 5 and 2)
 *   --budget S                       seconds per case: fewer timed runs once exceeded (default 120)
 *   --out FILE                       also append the JSON lines to FILE
 */
import { appendFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';

import { type BackboneName, type Batch, buildFcn, createOptimizer, selectBackend, trainStep } from '../../electron/ml/engine';
import { type BenchLine, benchLine } from '../benchLine';

const SIZE = 256;
const NUM_CLASSES = 21;

interface Case {
  key: string;
  backbone: BackboneName;
  batch: number;
  /** Suffix of the bench id (`train.webgpu_<id>`, `infer.webgpu_<id>`). */
  id: string;
}

const ALL_CASES: Case[] = [
  { key: 'small', backbone: 'small', batch: 2, id: 'small_fcn8s_256_b2' },
  { key: 'vgg16', backbone: 'vgg16', batch: 2, id: 'vgg16_fcn8s_256_b2' },
  { key: 'vgg16_b8', backbone: 'vgg16', batch: 8, id: 'vgg16_fcn8s_256_b8' },
];

function arg(name: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  return process.env[env] ?? fallback;
}

const caseKeys = arg('cases', 'WEBGPU_BENCH_CASES', ALL_CASES.map((c) => c.key).join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const ITERS = Math.max(1, Number(arg('iters', 'WEBGPU_BENCH_ITERS', '5')));
const WARMUPS = Math.max(0, Number(arg('warmups', 'WEBGPU_BENCH_WARMUPS', '2')));
const BUDGET_S = Number(arg('budget', 'WEBGPU_BENCH_BUDGET', '120'));
const OUT_FILE = arg('out', 'WEBGPU_BENCH_OUT', '');

function log(message: string): void {
  process.stderr.write(`[webgpu-bench] ${message}\n`);
}

function emit(line: BenchLine): void {
  const json = JSON.stringify(line);
  process.stdout.write(`${json}\n`);
  if (OUT_FILE) appendFileSync(OUT_FILE, `${json}\n`);
}

/** Deterministic random images (0..255) and masks (0..20), never zeros. */
function randomBatch(n: number, seed: number): Batch {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const images = new Float32Array(n * SIZE * SIZE * 3);
  for (let i = 0; i < images.length; i++) images[i] = rand() * 255;
  const masks = new Uint8Array(n * SIZE * SIZE);
  for (let i = 0; i < masks.length; i++) masks[i] = Math.floor(rand() * NUM_CLASSES);
  return { images, masks, n, height: SIZE, width: SIZE };
}

function median(values: number[]): number {
  const v = values.slice().sort((a, b) => a - b);
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** WebGPU validation / out-of-memory errors Dawn reports asynchronously (tfjs-webgpu ignores them). */
const gpuErrors: string[] = [];

function watchGpuErrors(device: GPUDevice | undefined): void {
  if (!device) return;
  const onError = (event: Event) => {
    const e = (event as GPUUncapturedErrorEvent).error;
    if (gpuErrors.length < 1000) gpuErrors.push(`${e?.constructor?.name ?? 'GPUError'}: ${e?.message ?? String(e)}`.replace(/\s+/g, ' '));
  };
  if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
  else (device as unknown as { onuncapturederror: unknown }).onuncapturederror = onError;
}

/** Throws when Dawn reported errors since `since`: the timed work did not run as written. */
function checkGpuErrors(since: number): void {
  if (gpuErrors.length > since) {
    const n = gpuErrors.length - since;
    throw new Error(`${n} WebGPU error${n === 1 ? '' : 's'} reported by Dawn, first: ${gpuErrors[since].slice(0, 250)}`);
  }
}

interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
  warmups: number;
  first: number;
}

/**
 * `warmups` untimed runs, then up to `iters` timed ones (each ends in `await t.data()`, so it
 * includes the GPU's work); fewer when the case's time budget runs out. Median in seconds.
 */
async function timeIt(label: string, fn: () => Promise<void>, warmups: number, iters: number, budgetS: number): Promise<Timing> {
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  const errorsBefore = gpuErrors.length;
  let first = 0;
  let warm = 0;
  for (; warm < Math.max(1, warmups); warm++) {
    const t0 = performance.now();
    await fn();
    const s = (performance.now() - t0) / 1000;
    checkGpuErrors(errorsBefore);
    if (warm === 0) first = s;
    log(`${label}: warm-up ${warm + 1} ${s.toFixed(3)} s`);
    if (elapsed() > budgetS / 2) {
      warm++;
      break;
    }
  }
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
    checkGpuErrors(errorsBefore);
    if (elapsed() > budgetS && times.length >= 1) break;
  }
  log(`${label}: ${times.map((t) => t.toFixed(4)).join(' ')} s`);
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), runs: times.length, warmups: warm, first };
}

function describeTiming(t: Timing): string {
  const cut = t.runs < ITERS ? ` (cut from ${ITERS} by the ${BUDGET_S} s budget)` : '';
  return `median of ${t.runs}${cut} after ${t.warmups} warm-up${t.warmups === 1 ? '' : 's'} (first run ${t.first.toFixed(3)} s incl. shader compilation), min ${t.min.toFixed(4)} s, max ${t.max.toFixed(4)} s`;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

async function runCase(c: Case, where: string): Promise<void> {
  const batch = randomBatch(c.batch, 7);
  const imgs = `256×256 b${c.batch}`;
  const trainId = `train.webgpu_${c.id}`;
  const inferId = `infer.webgpu_${c.id}`;
  let model: ReturnType<typeof buildFcn> | null = null;
  let optimizer: tf.Optimizer | null = null;
  try {
    model = buildFcn({ head: 'fcn8s', backbone: c.backbone, numClasses: NUM_CLASSES, dropout: 0.5, seed: 1 });
    const params = `${(model.parameterCount() / 1e6).toFixed(2)} M params`;
    optimizer = createOptimizer({ name: 'adam', learningRate: 1e-4 });

    // Training step: forward + loss + backward + Adam, loss read back with await data().
    try {
      const losses: number[] = [];
      const errorsBefore = gpuErrors.length;
      const m = model;
      const o = optimizer;
      const t = await timeIt(
        trainId,
        async () => {
          losses.push(await trainStep(m, o, batch));
        },
        WARMUPS,
        ITERS,
        BUDGET_S,
      );
      checkGpuErrors(errorsBefore);
      if (!losses.every(Number.isFinite)) throw new Error(`loss not finite: ${losses.join(', ')}`);
      emit(
        benchLine(
          trainId,
          t.median,
          's',
          null,
          `FCN-8s/${c.backbone} (${params}) train step ${imgs}, Adam, on WebGPU ${where}; ${describeTiming(t)}; loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)}`,
        ),
      );
      if (c.batch > 2) {
        emit(benchLine(`${trainId}_throughput`, c.batch / t.median, 'img/s', null, `training images per second of ${trainId} (batch ${c.batch} / median step) on WebGPU ${where}`));
      }
    } catch (error) {
      emit(benchLine(trainId, null, 's', null, `FCN-8s/${c.backbone} train step ${imgs} failed on WebGPU ${where}: ${errorText(error)}`));
    }
    optimizer.dispose();
    optimizer = null;

    // Inference: forward pass, logits read back with await data().
    try {
      const m = model;
      const errorsBefore = gpuErrors.length;
      const images = tf.tensor4d(batch.images, [c.batch, SIZE, SIZE, 3]);
      try {
        const t = await timeIt(
          inferId,
          async () => {
            const logits = m.forward(images, false);
            await logits.data();
            logits.dispose();
          },
          WARMUPS,
          ITERS,
          BUDGET_S,
        );
        checkGpuErrors(errorsBefore);
        emit(benchLine(inferId, t.median, 's', null, `FCN-8s/${c.backbone} (${params}) forward ${imgs}, logits read back, on WebGPU ${where}; ${describeTiming(t)}`));
        if (c.batch > 2) {
          emit(benchLine(`${inferId}_throughput`, c.batch / t.median, 'img/s', null, `inference images per second of ${inferId} (batch ${c.batch} / median forward) on WebGPU ${where}`));
        }
      } finally {
        images.dispose();
      }
    } catch (error) {
      emit(benchLine(inferId, null, 's', null, `FCN-8s/${c.backbone} forward ${imgs} failed on WebGPU ${where}: ${errorText(error)}`));
    }
  } catch (error) {
    const why = `FCN-8s/${c.backbone} could not be built on WebGPU ${where}: ${errorText(error)}`;
    emit(benchLine(trainId, null, 's', null, why));
    emit(benchLine(inferId, null, 's', null, why));
  } finally {
    optimizer?.dispose();
    model?.dispose();
  }
  log(`${c.key}: done; ${tf.memory().numTensors} tensors alive`);
}

async function main(): Promise<void> {
  const cases = caseKeys.map((key) => {
    const c = ALL_CASES.find((x) => x.key === key);
    if (!c) throw new Error(`unknown case ${key}; known: ${ALL_CASES.map((x) => x.key).join(', ')}`);
    return c;
  });
  let where: string;
  try {
    const choice = await selectBackend('webgpu');
    const a = choice.adapter!;
    // The device's limits decide which nets fit (fc6 of VGG16 is 411 MB in one buffer).
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    const limit = device?.limits?.maxStorageBufferBindingSize;
    watchGpuErrors(device);
    const adapterLine = {
      adapter: a.name,
      vendor: a.vendor,
      architecture: a.architecture,
      software: a.software,
      maxStorageBufferBindingSize: limit ?? null,
      maxBufferSize: device?.limits?.maxBufferSize ?? null,
      tfjs: tf.version_core,
      node: process.version,
    };
    log(`adapter ${JSON.stringify(adapterLine)}`);
    if (OUT_FILE) appendFileSync(OUT_FILE, `${JSON.stringify({ adapterInfo: adapterLine })}\n`);
    where = `adapter "${a.name}" (${a.software ? 'software rendering' : 'hardware'})`;
  } catch (error) {
    for (const c of cases) {
      const why = `no WebGPU: ${errorText(error)}`;
      emit(benchLine(`train.webgpu_${c.id}`, null, 's', null, why));
      emit(benchLine(`infer.webgpu_${c.id}`, null, 's', null, why));
    }
    return;
  }
  for (const c of cases) await runCase(c, where);
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
