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

export const formatSeriesValue = (digits: number) => (_u: uPlot, v: number | null) => (v === null ? '—' : v.toFixed(digits));
