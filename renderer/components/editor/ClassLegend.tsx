import { useMemo, useState } from 'react';
import type { LabelClass } from '../../../shared/domain/classes';
import type { Editor, EditorSnapshot } from '../../editor/editor';
import { classKey } from '../../editor/keymap';

interface Props {
  editor: Editor;
  snapshot: EditorSnapshot;
  classes: readonly LabelClass[];
}

function formatPixels(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

/** Class picker and legend: colour, name, shortcut, and this image's labeled (and, with a prediction, predicted ≈) pixels per class. */
export function ClassLegend({ editor, snapshot, classes }: Props) {
  const [search, setSearch] = useState('');
  const total = snapshot.counts.reduce((a, b) => a + b, 0);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return classes.map((c, index) => ({ c, index })).filter(({ c }) => !q || c.name.toLowerCase().includes(q) || String(c.value) === q);
  }, [classes, search]);
  const labeled = total - snapshot.counts[255];

  return (
    <section className="panel editor-classes">
      <div className="panel-title">
        <h2>Classes</h2>
        <span className="count-pill" title="Labeled pixels in this image" data-testid="labeled-percent">
          {total ? ((labeled / total) * 100).toFixed(1) : '0.0'}% labeled
        </span>
      </div>
      {classes.length > 10 && (
        <input className="input input-search" placeholder="Search classes…" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search classes" data-testid="class-search" />
      )}
      <ul className="legend-list" role="listbox" aria-label="Class to paint">
        {shown.map(({ c, index }) => {
          const count = snapshot.counts[c.value];
          const active = snapshot.settings.classValue === c.value;
          return (
            <li key={c.id}>
              <button
                className={`legend-row${active ? ' active' : ''}`}
                role="option"
                aria-selected={active}
                onClick={() => editor.setClass(c.value)}
                data-testid="class-option"
                data-value={c.value}
                data-class-name={c.name}
              >
                <span className="legend-swatch" style={{ background: c.color }} />
                <span className="legend-name">{c.name}</span>
                <span className="legend-count" data-testid="class-count" title={`${count.toLocaleString()} pixels`}>
                  {count > 0 ? formatPixels(count) : ''}
                </span>
                {snapshot.prediction && (
                  <span className="legend-count legend-predicted" data-testid="class-predicted-count" title={`${snapshot.prediction.counts[c.value].toLocaleString()} pixels predicted`}>
                    {snapshot.prediction.counts[c.value] > 0 ? `≈${formatPixels(snapshot.prediction.counts[c.value])}` : ''}
                  </span>
                )}
                {classKey(index) && <kbd className="legend-key">{classKey(index)}</kbd>}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
