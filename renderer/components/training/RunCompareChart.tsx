import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import type { RunSummary } from '../../../shared/contract/rendererContract';
import { CHART_AXIS, EPOCH_AXIS, formatSeriesValue, iouRange, iouTicks, useTrainingPlot } from '../../hooks/useTrainingPlot';

const HEIGHT = 170;
/** Distinct on white and for common colour blindness (Okabe–Ito). */
export const RUN_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#000000'];

export const runColor = (index: number) => RUN_COLORS[index % RUN_COLORS.length];

/** One x column (every epoch any run reached) and one val mean IU column per run, null where it has no such epoch. */
export function compareData(runs: RunSummary[]): uPlot.AlignedData {
  const epochs = [...new Set(runs.flatMap((r) => r.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
  return [epochs, ...runs.map((run) => {
    const byEpoch = new Map(run.epochs.map((e) => [e.epoch, e.meanIoU]));
    return epochs.map((epoch) => byEpoch.get(epoch) ?? null);
  })];
}

function optionsFor(runs: RunSummary[]) {
  return (width: number): uPlot.Options => ({
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time: false }, iou: { range: iouRange } },
    axes: [EPOCH_AXIS, { ...CHART_AXIS, scale: 'iou', size: 40, values: iouTicks }],
    series: [
      { label: 'Epoch' },
      ...runs.map((run, i) => ({
        label: `Run #${run.id}`,
        scale: 'iou',
        stroke: runColor(i),
        width: 2,
        spanGaps: true,
        points: { show: true, size: 5, fill: runColor(i) },
        value: formatSeriesValue(3),
      })),
    ],
  });
}

/** Validation mean IU per epoch of two or more runs on one chart (the runs ticked in the list). */
export function RunCompareChart({ runs }: { runs: RunSummary[] }) {
  const container = useRef<HTMLDivElement>(null);
  const data = useMemo(() => compareData(runs), [runs]);
  const key = runs.map((r) => r.id).join(',');
  // The options are read when the chart is built, which a new set of runs (a new key) does.
  useTrainingPlot(container, optionsFor(runs), data, key);
  return (
    <div className="training-chart" data-testid="compare-chart" data-runs={key}>
      <div ref={container} />
    </div>
  );
}
