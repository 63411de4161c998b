export { IGNORE_LABEL, accumulateConfusion, confusionRows, createConfusionMatrix, mergeConfusion } from './confusion';
export type { ConfusionMatrix } from './confusion';
export { segmentationMetrics } from './segmentationMetrics';
export type { SegmentationMetrics } from './segmentationMetrics';
