import type { MlEventMessage, PredictRequest } from '../../shared/contract/mlContract';
import { decodeScaled, resizeNearest } from './dataset';
import { loadCheckpoint, predict, selectBackend } from './engine';

type Emit = (event: MlEventMessage) => void;

/**
 * Predicts each image at the scale the model was trained at, then brings the class mask and the
 * confidence back to the image's full resolution (nearest neighbour), in project class values.
 */
export async function runPrediction(req: PredictRequest, emit: Emit, signal: AbortSignal): Promise<{ predicted: number }> {
  const choice = await selectBackend(req.backend);
  emit({ type: 'backend', jobId: req.jobId, backend: choice.backend, reason: choice.reason });
  const { model, optimizer } = await loadCheckpoint(req.checkpoint);
  optimizer?.dispose();
  let predicted = 0;
  try {
    for (const item of req.items) {
      if (signal.aborted) break;
      const image = await decodeScaled(item.path, req.scaling);
      const p = await predict(model, { data: Float32Array.from(image.rgb), width: image.width, height: image.height });
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
      });
      predicted++;
    }
  } finally {
    model.dispose();
  }
  return { predicted };
}
