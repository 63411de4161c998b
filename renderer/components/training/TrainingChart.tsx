import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartEpoch {
  epoch: number;
  trainLoss: number;
  meanIoU: number | null;
}

const HEIGHT = 190;
const LOSS_COLOR = '#3b5bdb';
const IOU_COLOR = '#2b8a3e';
const AXIS = { stroke: '#5b6474', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#e2e5ea', width: 1 }, font: '11px Inter, system-ui, sans-serif' };

function chartData(epochs: ChartEpoch[]): uPlot.AlignedData {
  const sorted = [...epochs].sort((a, b) => a.epoch - b.epoch);
  return [sorted.map((e) => e.epoch), sorted.map((e) => e.trainLoss), sorted.map((e) => e.meanIoU)];
}

function options(width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time: false }, loss: { auto: true, range: (_u, min, max) => [0, Math.max(max * 1.1, min + 1e-3)] }, iou: { auto: false, range: [0, 1] } },
    axes: [
      { ...AXIS, label: 'Epoch', labelSize: 18, labelFont: '11px Inter, system-ui, sans-serif', incrs: [1, 2, 5, 10, 20, 50, 100], values: (_u, ticks) => ticks.map(String) },
      { ...AXIS, scale: 'loss', size: 46, values: (_u, ticks) => ticks.map((t) => t.toFixed(2)) },
      { ...AXIS, scale: 'iou', side: 1, size: 40, grid: { show: false }, values: (_u, ticks) => ticks.map((t) => t.toFixed(1)) },
    ],
    series: [
      { label: 'Epoch' },
      { label: 'Train loss', scale: 'loss', stroke: LOSS_COLOR, width: 2, points: { show: true, size: 5, fill: LOSS_COLOR }, value: (_u, v) => (v === null ? '—' : v.toFixed(4)) },
      { label: 'Val mean IU', scale: 'iou', stroke: IOU_COLOR, width: 2, points: { show: true, size: 5, fill: IOU_COLOR }, value: (_u, v) => (v === null ? '—' : v.toFixed(3)) },
    ],
  };
}

/** Train loss (left axis) and validation mean IU (right axis, 0–1) per epoch, redrawn as epochs arrive. */
export function TrainingChart({ epochs }: { epochs: ChartEpoch[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(epochs);
  useEffect(() => {
    latest.current = epochs;
  });

  useEffect(() => {
    const element = container.current!;
    const chart = new uPlot(options(Math.max(200, element.clientWidth)), chartData(latest.current), element);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => plot.current?.setData(chartData(epochs)), [epochs]);

  return (
    <div className="training-chart" data-testid="training-chart" data-epochs={epochs.length}>
      <div ref={container} className={epochs.length ? undefined : 'chart-hidden'} />
      {epochs.length === 0 && <div className="training-chart-empty muted">Curves appear after the first epoch.</div>}
    </div>
  );
}
