interface ValueProps {
  value: string;
  onChange(value: string): void;
  placeholder: string;
  testId: string;
}

/** The grey level that stands for unlabeled pixels (an empty field keeps the default, 255). */
export function UnlabeledValueField({ value, onChange, placeholder, testId }: ValueProps) {
  return (
    <label className="field-inline" title="The pixel value that means unlabeled (255 always does)">
      Unlabeled value
      <input className="input input-num" type="number" min={0} max={255} step={1} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </label>
  );
}

/** The colour that stands for unlabeled pixels in colour masks. */
export function UnlabeledColorField({ value, onChange, testId }: { value: string; onChange(hex: string): void; testId: string }) {
  return (
    <label className="field-inline" title="The colour that means unlabeled">
      Unlabeled colour
      <input className="swatch-input" type="color" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
      <span className="color-code">{value}</span>
    </label>
  );
}
