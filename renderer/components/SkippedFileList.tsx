import { useState, type ReactNode } from 'react';
import { baseName } from '../state/displayNames';

export interface SkippedFile {
  path: string;
  message: string;
  /** What goes before the file name (the import's reason chip). */
  lead?: ReactNode;
  /** data-reason, for tests and styling. */
  reason?: string;
}

/** Files a job skipped, each with why; long lists collapse to their first `collapsedRows`. */
export function SkippedFileList(props: { items: SkippedFile[]; collapsedRows: number; rowClassName?: string; rowTestId: string }) {
  const { items, collapsedRows } = props;
  const [expanded, setExpanded] = useState(false);
  if (items.length === 0) return null;
  const rows = expanded ? items : items.slice(0, collapsedRows);
  return (
    <>
      <ul className="skip-list">
        {rows.map((s) => (
          <li key={s.path} className={['skip-row', props.rowClassName].filter(Boolean).join(' ')} data-testid={props.rowTestId} data-reason={s.reason}>
            {s.lead}
            <span className="skip-file" title={s.path}>
              {baseName(s.path)}
            </span>
            <span className="skip-message muted" title={s.message}>
              {s.message}
            </span>
          </li>
        ))}
      </ul>
      {items.length > collapsedRows && (
        <button className="link-btn" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show all ${items.length}`}
        </button>
      )}
    </>
  );
}
