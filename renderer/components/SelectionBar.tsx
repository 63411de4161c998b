import { SPLITS, type Split } from '../../shared/domain/images';
import { plural, SPLIT_NAMES } from '../state/displayNames';

interface Props {
  count: number;
  total: number;
  onSetSplit(split: Split): void;
  onSetDone(done: boolean): void;
  onSelectAll(): void;
  onClear(): void;
}

export function SelectionBar({ count, total, onSetSplit, onSetDone, onSelectAll, onClear }: Props) {
  if (!count) return null;
  return (
    <div className="selection-bar" data-testid="selection-bar">
      <strong data-testid="selection-count">{plural(count, 'image')} selected</strong>
      {count < total && (
        <button className="link-btn" onClick={onSelectAll}>
          Select all {total.toLocaleString('en-US')}
        </button>
      )}
      <span className="toolbar-spacer" />
      <select
        className="select"
        value=""
        onChange={(e) => e.target.value && onSetSplit(e.target.value as Split)}
        aria-label="Set split of selected images"
        data-testid="selection-split"
      >
        <option value="">Set split…</option>
        {SPLITS.map((s) => (
          <option key={s} value={s}>
            {SPLIT_NAMES[s]}
          </option>
        ))}
      </select>
      <button className="btn" onClick={() => onSetDone(true)} data-testid="selection-done">
        Mark done
      </button>
      <button className="btn" onClick={() => onSetDone(false)} data-testid="selection-not-done">
        Mark not done
      </button>
      <button className="btn btn-ghost" onClick={onClear} data-testid="selection-clear">
        Clear
      </button>
    </div>
  );
}
