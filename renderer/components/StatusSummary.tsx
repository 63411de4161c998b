import { SPLITS } from '../../shared/domain/images';
import { useProjectStatus } from '../hooks/useProjectStatus';
import { formatCount, plural, SPLIT_NAMES } from '../state/displayNames';
import { InlineError } from './InlineError';

export function StatusSummary() {
  const { data: status, error } = useProjectStatus();
  return (
    <section className="panel status-panel" aria-labelledby="status-title" data-testid="status-summary">
      <div className="panel-title">
        <h2 id="status-title">Project</h2>
      </div>
      <InlineError message={error} />
      {status && (
        <>
          <div className="stat-row">
            <div className="stat">
              <span className="stat-value" data-testid="status-images">
                {formatCount(status.images)}
              </span>
              <span className="stat-label">images</span>
            </div>
            <div className="stat">
              <span className="stat-value" data-testid="status-labeled">
                {formatCount(status.labeledImages)}
              </span>
              <span className="stat-label">labeled</span>
            </div>
            <div className="stat">
              <span className="stat-value" data-testid="status-done">
                {formatCount(status.statuses.done)}
              </span>
              <span className="stat-label">done</span>
            </div>
          </div>
          <div className="split-bar" aria-hidden>
            {SPLITS.map((s) =>
              status.splits[s] > 0 ? <span key={s} className={`split-seg split-${s}`} style={{ flexGrow: status.splits[s] }} /> : null,
            )}
          </div>
          <dl className="split-legend">
            {SPLITS.map((s) => (
              <div key={s} className="split-legend-item">
                <dt>
                  <span className={`split-dot split-${s}`} aria-hidden />
                  {SPLIT_NAMES[s]}
                </dt>
                <dd data-testid={`status-split-${s}`}>{formatCount(status.splits[s])}</dd>
              </div>
            ))}
          </dl>
          {status.fileProblems > 0 && (
            <p className="file-problems" data-testid="status-file-problems">
              ⚠ {plural(status.fileProblems, 'file')} missing or modified
            </p>
          )}
        </>
      )}
    </section>
  );
}
