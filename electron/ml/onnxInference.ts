import { availableParallelism } from 'node:os';

import type * as Ort from 'onnxruntime-node';

import type { FcnModel, LogitsForward } from './engine';
import { type ExportWeight, buildOnnxModel } from './export';

let runtime: Promise<typeof Ort | null> | null = null;

/** onnxruntime-node when it loads (an optional native package); null otherwise. */
export function loadOnnxRuntime(): Promise<typeof Ort | null> {
  runtime ??= import('onnxruntime-node').then(
    (m) => ((m as { default?: typeof Ort }).default ?? m) as typeof Ort,
    () => null,
  );
  return runtime;
}

export interface OnnxForward {
  forward: LogitsForward;
  /** For the user: which runtime and threads. */
  description: string;
  dispose(): Promise<void>;
}

/**
 * ONNX Runtime CPU session options for our FCN graphs, on `threads` intra-op threads. Spinning is
 * off: ONNX Runtime's threads otherwise busy-wait between operators, and where other work shares
 * the cores (the studio's backend and renderer, a training run, other programs) the spinning
 * threads take the CPU from the ones with work. Measured on this 2-core machine under load (small
 * FCN-8s, 2×256², 25 runs each, alternating): spinning median 213–285 ms (least 164–204), not
 * spinning 133–171 ms (least 62–76) — the largest part of the infer ratio's spread run to run.
 */
export function onnxSessionOptions(threads: number): Ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/**
 * The model's forward pass in ONNX Runtime's CPU engine: the same graph as `export --format model`
 * writes (preprocessing, padding and cropping inside; tested equal to FcnModel.forward within 1e-4),
 * built in memory from the current weights. On CPUs it runs FCN inference 2–5× faster than the
 * wasm backend (fused, multi-threaded MLAS kernels; see the ml bench), so CPU prediction uses it.
 * Returns null when onnxruntime-node is not installed or cannot load.
 */
export async function createOnnxForward(model: FcnModel): Promise<OnnxForward | null> {
  const ort = await loadOnnxRuntime();
  if (!ort) return null;
  const weights = new Map<string, ExportWeight>();
  for (const [name, v] of model.weights) weights.set(name, { shape: v.shape.slice(), data: (await v.data()) as Float32Array });
  const bytes = buildOnnxModel(model.config, weights);
  weights.clear();
  const threads = Math.max(1, availableParallelism());
  const session = await ort.InferenceSession.create(bytes, onnxSessionOptions(threads));
  return {
    description: `ONNX Runtime ${ort.env.versions.common} on the CPU, ${threads} threads`,
    async forward(images, n, height, width, use) {
      const input = new ort.Tensor('float32', images, [n, height, width, 3]);
      const out = await session.run({ image: input });
      input.dispose();
      // The output's buffer belongs to the runtime until disposed: used in place, never copied.
      try {
        return use(out.logits.data as Float32Array);
      } finally {
        out.logits.dispose();
      }
    },
    async dispose() {
      await session.release();
    },
  };
}
