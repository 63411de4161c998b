import { formatMetric } from './trainingNames';

export interface ClassKey {
  name: string;
  color: string;
}

/** One bar per class (its IoU, 0–1); a class absent from both truth and prediction has none (n/a). */
export function PerClassIoUBars({ classes, values }: { classes: ClassKey[]; values: Array<number | null> }) {
  return (
    <ul className="iou-bars" data-testid="iou-bars">
      {classes.map((c, i) => {
        const value = values[i] ?? null;
        return (
          <li key={c.name} className="iou-bar-row" data-testid="iou-bar" data-class={c.name} data-value={value ?? ''}>
            <span className="iou-bar-name" title={c.name}>
              <span className="swatch" style={{ background: c.color }} aria-hidden />
              {c.name}
            </span>
            <span className="iou-bar-track">
              {value !== null && <span className="iou-bar-fill" style={{ width: `${(value * 100).toFixed(1)}%` }} />}
            </span>
            <span className="iou-bar-value" title={value === null ? 'Absent from both the labels and the predictions' : undefined}>
              {value === null ? 'n/a' : formatMetric(value)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
