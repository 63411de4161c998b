import type { ImportProgress } from '../../shared/domain/images';
import { baseName, formatCount } from '../state/displayNames';

export function ImportProgressList({ running, onCancel }: { running: ImportProgress[]; onCancel(jobId: string): void }) {
  if (!running.length) return null;
  return (
    <div className="import-progress-list">
      {running.map((job) => {
        const fraction = job.total ? job.done / job.total : 0;
        return (
          <div key={job.jobId} className="import-progress" data-testid="import-progress">
            <div className="import-progress-text">
              <strong>Importing</strong>
              <span>{job.total ? `${formatCount(job.done)} of ${formatCount(job.total)}` : 'scanning…'}</span>
              <span className="muted ellipsis">{job.current ? baseName(job.current) : ''}</span>
            </div>
            <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done}>
              <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
            </div>
            <button className="btn btn-small" onClick={() => onCancel(job.jobId)} data-testid="import-cancel">
              Cancel
            </button>
          </div>
        );
      })}
    </div>
  );
}
