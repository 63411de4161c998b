import { IMAGE_ADJUST_DEFAULTS, IMAGE_ADJUST_RANGES, isIdentityAdjust, type ImageAdjust } from '../../editor/imageAdjust';

const FIELDS: { key: keyof ImageAdjust; label: string; format(v: number): string }[] = [
  { key: 'brightness', label: 'Brightness', format: (v) => `${v > 0 ? '+' : ''}${v}` },
  { key: 'contrast', label: 'Contrast', format: (v) => `${v > 0 ? '+' : ''}${v}` },
  { key: 'gamma', label: 'Gamma', format: (v) => v.toFixed(2) },
];

/** Brightness / contrast / gamma sliders for the photo on screen only (labels, files and training never change). */
export function ImageAdjustPanel({ adjust, onChange }: { adjust: ImageAdjust; onChange(change: Partial<ImageAdjust>): void }) {
  return (
    <section className="panel editor-options" data-testid="image-adjust">
      <div className="panel-title">
        <h2>Display</h2>
        <button className="btn btn-small" disabled={isIdentityAdjust(adjust)} onClick={() => onChange({ ...IMAGE_ADJUST_DEFAULTS })} data-testid="image-adjust-reset" title="Show the image as it is">
          Reset
        </button>
      </div>
      {FIELDS.map(({ key, label, format }) => {
        const { min, max, step } = IMAGE_ADJUST_RANGES[key];
        return (
          <label key={key} className="option-row" title={`${label} of the image on screen only: the file, labels and training are unchanged (double-click to reset)`}>
            <span>{label}</span>
            <input
              type="range"
              min={min}
              max={max}
              step={step}
              value={adjust[key]}
              onChange={(e) => onChange({ [key]: Number(e.target.value) })}
              onDoubleClick={() => onChange({ [key]: IMAGE_ADJUST_DEFAULTS[key] })}
              data-testid={`image-adjust-${key}`}
              aria-label={label}
            />
            <span className="option-value">{format(adjust[key])}</span>
          </label>
        );
      })}
      <p className="option-help muted">Display only: the image file, labels, training and predictions are unchanged.</p>
    </section>
  );
}
