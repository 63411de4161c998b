import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { CHART_AXIS, EPOCH_AXIS, formatSeriesValue, iouRange, iouTicks, useTrainingPlot } from '../../hooks/useTrainingPlot';

export interface ChartEpoch {
  epoch: number;
  trainLoss: number;
  /** Mean loss over the validation images; null for a run without a val split. */
  valLoss: number | null;
  meanIoU: number | null;
}

const HEIGHT = 190;
const LOSS_COLOR = '#3b5bdb';
const VAL_LOSS_COLOR = '#e8590c';
const IOU_COLOR = '#2b8a3e';

function chartData(epochs: ChartEpoch[]): uPlot.AlignedData {
  const sorted = [...epochs].sort((a, b) => a.epoch - b.epoch);
  return [sorted.map((e) => e.epoch), sorted.map((e) => e.trainLoss), sorted.map((e) => e.valLoss), sorted.map((e) => e.meanIoU)];
}

const line = (label: string, scale: string, stroke: string, digits: number, dash?: number[]): uPlot.Series => ({
  label,
  scale,
  stroke,
  width: 2,
  dash,
  // Validation runs every few seconds, not necessarily every epoch: join the epochs that have it.
  spanGaps: true,
  points: { show: true, size: 5, fill: stroke },
  value: formatSeriesValue(digits),
});

function options(width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time: false }, loss: { auto: true, range: (_u, min, max) => [0, Math.max(max * 1.1, min + 1e-3)] }, iou: { range: iouRange } },
    axes: [
      EPOCH_AXIS,
      { ...CHART_AXIS, scale: 'loss', size: 46, values: (_u, ticks) => ticks.map((t) => t.toFixed(2)) },
      { ...CHART_AXIS, scale: 'iou', side: 1, size: 40, grid: { show: false }, values: iouTicks },
    ],
    series: [
      { label: 'Epoch' },
      line('Train loss', 'loss', LOSS_COLOR, 4),
      // Dashed: the same loss on images the net never trained on; the gap between them is overfitting.
      line('Val loss', 'loss', VAL_LOSS_COLOR, 4, [5, 4]),
      line('Val mean IU', 'iou', IOU_COLOR, 3),
    ],
  };
}

/** Train and validation loss (left axis) and validation mean IU (right axis, from 0 to just above its best) per epoch, redrawn as epochs arrive. */
export function TrainingChart({ epochs }: { epochs: ChartEpoch[] }) {
  const container = useRef<HTMLDivElement>(null);
  const data = useMemo(() => chartData(epochs), [epochs]);
  useTrainingPlot(container, options, data, 'one-run');
  return (
    <div className="training-chart" data-testid="training-chart" data-epochs={epochs.length}>
      <div ref={container} className={epochs.length ? undefined : 'chart-hidden'} />
      {epochs.length === 0 && <div className="training-chart-empty muted">Curves appear after the first epoch.</div>}
    </div>
  );
}
