import type { BenchSuite } from './benchLine';

/** Every suite `npm run bench` runs, loaded lazily so one suite's heavy imports never slow another. */
export async function BENCH_SUITES(): Promise<BenchSuite[]> {
  const { importBench } = await import('./import.bench');
  const { exportBench } = await import('./export.bench');
  const { mlBench } = await import('./ml.bench');
  const { onnxBench } = await import('./onnx.bench');
  const { editorBench } = await import('./editor/editor.bench');
  const { camvidTrainBench } = await import('./camvidTrain.bench');
  const { reviewBench } = await import('./review.bench');
  const { liveBench } = await import('./live.bench');
  return [importBench, exportBench, editorBench, mlBench, onnxBench, reviewBench, liveBench, camvidTrainBench];
}
