import type { FinishedImport } from '../hooks/useImportJobs';
import { plural, SKIP_REASON_NAMES } from '../state/displayNames';
import { SkippedFileList } from './SkippedFileList';

const COLLAPSED_ROWS = 8;

export function ImportReportPanel({ item, onDismiss }: { item: FinishedImport; onDismiss(jobId: string): void }) {
  const { report } = item;
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
      <SkippedFileList
        items={report.skipped.map((s) => ({
          path: s.path,
          message: s.message,
          reason: s.reason,
          lead: <span className={`reason-chip reason-${s.reason}`}>{SKIP_REASON_NAMES[s.reason]}</span>,
        }))}
        collapsedRows={COLLAPSED_ROWS}
        rowTestId="skip-row"
      />
    </section>
  );
}
