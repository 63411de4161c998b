import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import * as ort from 'onnxruntime-node';

import { buildFcn, selectBackend } from '../electron/ml/engine';
import type { FcnConfig } from '../electron/ml/engine';
import { type ExportWeight, buildOnnxModel } from '../electron/ml/export';
import { onnxSessionOptions } from '../electron/ml/onnxInference';
import { benchLine, type BenchSuite } from './benchLine';
import { runProcess } from './runProcess';

const PEER = join('..', 'shared', 'peer', 'fcn_peer_bench.py');
const PYTHON = '/usr/bin/python3';
const SIZE = 256;
const BATCH = 2;
/** The peer's default, and the machine's core count: the same threads on both sides. */
const THREADS = 2;
const WARMUPS = 2;
const ITERS = 5;

interface PeerInfer {
  seconds: number | null;
  note: string;
}

/** The PyTorch peer's FCN-8s/VGG16 forward at 256×256 b2, measured in this run, before ours. */
async function peerInference(): Promise<PeerInfer> {
  if (!existsSync(PEER)) return { seconds: null, note: `no peer: ${PEER} absent` };
  if (!existsSync(PYTHON)) return { seconds: null, note: `no peer: ${PYTHON} absent` };
  if ((await runProcess(PYTHON, ['-c', 'import torch'])).code !== 0) return { seconds: null, note: 'no peer: PyTorch missing' };
  const out = await runProcess(PYTHON, [PEER, '--cases', `fcn8s_vgg16:${SIZE}`, '--batch', String(BATCH), '--threads', String(THREADS)]);
  for (const line of out.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as { model?: string; infer_s?: number };
    if (parsed.model === 'fcn8s_vgg16' && typeof parsed.infer_s === 'number') {
      return { seconds: parsed.infer_s, note: `PyTorch peer fcn8s_vgg16 forward (${THREADS} threads, OpenBLAS) in this run` };
    }
  }
  return { seconds: null, note: `no peer: it produced no figures (exit ${out.code}): ${out.stderr.slice(-200)}` };
}

function median(values: number[]): number {
  const v = values.slice().sort((a, b) => a - b);
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** The exported ONNX bytes of a freshly initialised FCN-8s/VGG16 (what exportOnnxModel writes for a checkpoint of it). */
async function vggOnnx(): Promise<Uint8Array> {
  await selectBackend('cpu');
  const config: FcnConfig = { head: 'fcn8s', backbone: 'vgg16', numClasses: 21, dropout: 0.5, seed: 1 };
  const model = buildFcn(config);
  const weights = new Map<string, ExportWeight>();
  for (const [name, v] of model.weights) weights.set(name, { shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) });
  model.dispose();
  return buildOnnxModel(config, weights);
}

/**
 * `infer.onnx_vgg16_fcn8s_256_b2`: ONNX Runtime (CPU) running our exported FCN-8s/VGG16 on a
 * 2×256×256 batch, against the PyTorch peer's forward in the same run. Goal ≤ 1.5.
 */
export const onnxBench: BenchSuite = {
  name: 'onnx',
  async run(emit) {
    const peer = await peerInference();
    const bytes = await vggOnnx();
    // The options CPU prediction uses (electron/ml/onnxInference.ts).
    const session = await ort.InferenceSession.create(bytes, { ...onnxSessionOptions(THREADS), executionProviders: ['cpu'] });
    try {
      let s = 7;
      const images = Float32Array.from({ length: BATCH * SIZE * SIZE * 3 }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 255);
      const feeds = { image: new ort.Tensor('float32', images, [BATCH, SIZE, SIZE, 3]) };
      for (let i = 0; i < WARMUPS; i++) await session.run(feeds);
      const times: number[] = [];
      for (let i = 0; i < ITERS; i++) {
        const t0 = performance.now();
        await session.run(feeds);
        times.push((performance.now() - t0) / 1000);
      }
      const seconds = median(times);
      emit(
        benchLine(
          'infer.onnx_vgg16_fcn8s_256_b2',
          seconds,
          's',
          peer.seconds,
          `exported FCN-8s/VGG16 (${(bytes.byteLength / 1e6).toFixed(0)} MB ONNX, preprocessing/pad/crop in the graph) in onnxruntime-node ${ort.env.versions.common} CPU, ${THREADS} intra-op threads, forward 256×256 b2, median of ${ITERS} after ${WARMUPS} warm-ups (${times.map((t) => t.toFixed(3)).join(', ')} s); ${peer.note}; ratio = ours/peer, lower is better, goal ≤ 1.5`,
        ),
      );
    } finally {
      await session.release();
    }
  },
};

// `npx tsx bench/onnx.bench.ts` runs this suite alone and prints its JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await onnxBench.run((line) => console.log(JSON.stringify(line)));
  process.exit(0);
}
