import { useEffect, useRef, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart in `container`, sized to its width and fed new data in place (no rebuild per
 * epoch). `seriesKey` names the series layout: a new key (another set of runs) rebuilds the chart.
 */
export function useTrainingPlot(
  container: RefObject<HTMLDivElement | null>,
  options: (width: number) => uPlot.Options,
  data: uPlot.AlignedData,
  seriesKey: string,
): void {
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ options, data });
  useEffect(() => {
    latest.current = { options, data };
  });

  useEffect(() => {
    const element = container.current!;
    const { options: make, data: initial } = latest.current;
    const width = () => Math.max(200, element.clientWidth);
    const chart = new uPlot(make(width()), initial, element);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: width(), height: chart.height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [container, seriesKey]);

  useEffect(() => plot.current?.setData(data), [data]);
}

export const CHART_AXIS = {
  stroke: '#5b6474',
  grid: { stroke: '#eef0f3', width: 1 },
  ticks: { stroke: '#e2e5ea', width: 1 },
  font: '11px Inter, system-ui, sans-serif',
};

/** The epoch axis every training chart shares. */
export const EPOCH_AXIS: uPlot.Axis = {
  ...CHART_AXIS,
  label: 'Epoch',
  labelSize: 18,
  labelFont: '11px Inter, system-ui, sans-serif',
  incrs: [1, 2, 5, 10, 20, 50, 100],
  values: (_u, ticks) => ticks.map(String),
};

/**
 * The mean-IU axis: from 0 to just above the best value shown, in tenths (at least 0.1, at most 1),
 * so runs a few points apart (0.13 against 0.15 early on) are told apart instead of lying flat on a
 * 0–1 axis. Zero stays at the bottom so heights still compare as ratios.
 */
export const iouRange: uPlot.Range.Function = (_u, _min, max) => [0, Math.min(1, Math.max(0.1, Math.ceil(((max ?? 0) * 1.1 + 1e-9) * 10) / 10))];

/** Mean-IU tick labels: two decimals when the axis is short enough that one would repeat a label. */
export const iouTicks = (u: uPlot, ticks: number[]) => ticks.map((t) => t.toFixed((u.scales.iou?.max ?? 1) <= 0.5 ? 2 : 1));

export const formatSeriesValue = (digits: number) => (_u: uPlot, v: number | null) => (v === null ? '—' : v.toFixed(digits));
