import type { MlEventMessage, PredictRequest } from '../../shared/contract/mlContract';
import { decodeScaled, resizeNearest } from './dataset';
import { loadCheckpoint, predict, selectBackend } from './engine';
import { type OnnxForward, createOnnxForward } from './onnxInference';

type Emit = (event: MlEventMessage) => void;

/**
 * Predicts each image at the scale the model was trained at, then brings the class mask and the
 * confidence back to the image's full resolution (nearest neighbour), in project class values.
 */
export async function runPrediction(req: PredictRequest, emit: Emit, signal: AbortSignal): Promise<{ predicted: number }> {
  const choice = await selectBackend(req.backend);
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
  emit({
    type: 'backend',
    jobId: req.jobId,
    backend: onnx ? 'onnxruntime' : choice.backend,
    reason: onnx ? `auto: ${onnx.description} (the model's forward as ONNX; faster than ${choice.backend} on CPUs)` : choice.reason,
  });
  let predicted = 0;
  try {
    for (const item of req.items) {
      if (signal.aborted) break;
      const image = await decodeScaled(item.path, req.scaling);
      // Decoding a large file takes a while: a cancel that arrived meanwhile is honoured before the forward pass.
      if (signal.aborted) break;
      const p = await predict(model, { data: Float32Array.from(image.rgb), width: image.width, height: image.height }, { forward: onnx?.forward });
      const values = new Uint8Array(p.mask.length);
      for (let i = 0; i < values.length; i++) values[i] = req.classValues[p.mask[i]];
      const confidence = new Uint8Array(p.confidence.length);
      for (let i = 0; i < confidence.length; i++) confidence[i] = Math.round(p.confidence[i] * 255);
      emit({
        type: 'prediction',
        jobId: req.jobId,
        imageId: item.imageId,
        width: image.fullWidth,
        height: image.fullHeight,
        mask: resizeNearest(values, image.width, image.height, image.fullWidth, image.fullHeight),
        confidence: resizeNearest(confidence, image.width, image.height, image.fullWidth, image.fullHeight),
        meanEntropy: p.meanEntropy,
        meanMargin: p.meanMargin,
      });
      predicted++;
    }
  } finally {
    model.dispose();
    await onnx?.dispose();
  }
  return { predicted };
}
