import { useState } from 'react';
import type { FinishedImport } from '../hooks/useImportJobs';
import { baseName, plural, SKIP_REASON_NAMES } from '../state/displayNames';

const COLLAPSED_ROWS = 8;

export function ImportReportPanel({ item, onDismiss }: { item: FinishedImport; onDismiss(jobId: string): void }) {
  const { report } = item;
  const [expanded, setExpanded] = useState(false);
  const rows = expanded ? report.skipped : report.skipped.slice(0, COLLAPSED_ROWS);
  const tone = report.cancelled ? 'warn' : report.skipped.length ? 'mixed' : 'ok';

  return (
    <section className={`import-report report-${tone}`} data-testid="import-report">
      <header className="import-report-head">
        <div>
          <strong data-testid="import-report-summary">
            {report.cancelled ? 'Import cancelled: ' : ''}
            {plural(report.added, 'image')} added
            {report.labelsAdded ? `, ${plural(report.labelsAdded, 'mask')}` : ''}
            {report.skipped.length ? `, ${plural(report.skipped.length, 'file')} skipped` : ''}
          </strong>
          <span className="muted"> · {item.label} · {report.seconds.toFixed(1)} s</span>
        </div>
        <button className="icon-btn" onClick={() => onDismiss(item.jobId)} aria-label="Dismiss import report" data-testid="import-report-dismiss">
          ✕
        </button>
      </header>
      {report.skipped.length > 0 && (
        <ul className="skip-list">
          {rows.map((s) => (
            <li key={s.path} className="skip-row" data-testid="skip-row" data-reason={s.reason}>
              <span className={`reason-chip reason-${s.reason}`}>{SKIP_REASON_NAMES[s.reason]}</span>
              <span className="skip-file" title={s.path}>
                {baseName(s.path)}
              </span>
              <span className="skip-message muted" title={s.message}>
                {s.message}
              </span>
            </li>
          ))}
        </ul>
      )}
      {report.skipped.length > COLLAPSED_ROWS && (
        <button className="link-btn" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show all ${report.skipped.length}`}
        </button>
      )}
    </section>
  );
}
