import type { MlEventMessage, PredictRequest } from '../../shared/contract/mlContract';
import { decodeScaled } from './dataset';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readableCheckpointDir } from './engine/checkpointDir';
import { type FcnModel, loadCheckpoint, predict, selectBackend } from './engine';
import { type OnnxForward, createOnnxForward } from './onnxInference';

type Emit = (event: MlEventMessage) => void;

/** A checkpoint loaded for prediction, with its ONNX Runtime session where one is used. */
interface Predictor {
  key: string;
  model: FcnModel;
  onnx: OnnxForward | null;
  backend: string;
  reason: string;
}

/**
 * The last checkpoint predicted with stays loaded: loading it and building its ONNX session costs
 * more than predicting one frame, and "predict this image" is clicked image after image. Keyed by
 * the checkpoint's path and modification time (a run writes a better `best/` in place) and the
 * backend; a training job releases it first (see worker.ts) so two models never share the memory.
 */
let cached: Predictor | null = null;

export async function releasePredictor(): Promise<void> {
  const old = cached;
  cached = null;
  old?.model.dispose();
  await old?.onnx?.dispose();
}

function checkpointStamp(checkpoint: string): string {
  try {
    return String(statSync(join(readableCheckpointDir(checkpoint), 'model.json')).mtimeMs);
  } catch {
    return `unreadable-${performance.now()}`;
  }
}

async function predictorFor(req: PredictRequest, emit: Emit): Promise<Predictor> {
  const choice = await selectBackend(req.backend);
  const key = `${req.checkpoint}|${checkpointStamp(req.checkpoint)}|${req.backend}|${choice.backend}`;
  if (cached?.key === key) return cached;
  await releasePredictor();
  const { model, optimizer } = await loadCheckpoint(req.checkpoint);
  optimizer?.dispose();
  // On a CPU (auto picked wasm or cpu) ONNX Runtime computes the same logits several times faster;
  // a backend the user named explicitly is honoured.
  let onnx: OnnxForward | null = null;
  if (req.backend === 'auto' && (choice.backend === 'wasm' || choice.backend === 'cpu')) {
    try {
      onnx = await createOnnxForward(model);
    } catch (error) {
      // A runtime that loads but cannot build this graph: predict with TF.js rather than not at all.
      emit({ type: 'log', level: 'warn', jobId: req.jobId, message: `ONNX Runtime unavailable for this model (${(error as Error).message}); predicting with ${choice.backend}` });
    }
  }
  cached = {
    key,
    model,
    onnx,
    backend: onnx ? 'onnxruntime' : choice.backend,
    reason: onnx ? `auto: ${onnx.description} (the model's forward as ONNX; faster than ${choice.backend} on CPUs)` : choice.reason,
  };
  return cached;
}

/**
 * Predicts each image at the scale the model was trained at; the logits are brought back to the
 * image's full resolution (bilinear) before the argmax. Masks in project class values.
 */
export async function runPrediction(req: PredictRequest, emit: Emit, signal: AbortSignal): Promise<{ predicted: number }> {
  const { model, onnx, backend, reason } = await predictorFor(req, emit);
  emit({ type: 'backend', jobId: req.jobId, backend, reason });
  let predicted = 0;
  try {
    for (const item of req.items) {
      if (signal.aborted) break;
      const image = await decodeScaled(item.path, req.scaling);
      // Decoding a large file takes a while: a cancel that arrived meanwhile is honoured before the forward pass.
      if (signal.aborted) break;
      const p = await predict(model, { data: Float32Array.from(image.rgb), width: image.width, height: image.height }, {
        forward: onnx?.forward,
        outputSize: { width: image.fullWidth, height: image.fullHeight },
      });
      const values = new Uint8Array(p.mask.length);
      for (let i = 0; i < values.length; i++) values[i] = req.classValues[p.mask[i]];
      const confidence = new Uint8Array(p.confidence.length);
      for (let i = 0; i < confidence.length; i++) confidence[i] = Math.round(p.confidence[i] * 255);
      emit({
        type: 'prediction',
        jobId: req.jobId,
        imageId: item.imageId,
        width: p.width,
        height: p.height,
        mask: values,
        confidence,
        meanEntropy: p.meanEntropy,
        meanMargin: p.meanMargin,
      });
      predicted++;
    }
  } catch (err) {
    // A failure half-way (out of memory, a runtime error) may leave the loaded model unusable: load afresh next time.
    await releasePredictor();
    throw err;
  }
  return { predicted };
}
