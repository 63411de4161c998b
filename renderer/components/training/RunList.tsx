import type { RunSummary } from '../../../shared/contract/rendererContract';
import { bestMeanIoU, describeSettings, formatMetric, plannedEpochs, RUN_STATUS_NAMES } from './trainingNames';

interface Props {
  runs: RunSummary[];
  selectedId: number | null;
  /** False while a run is starting or running here: one run at a time. */
  canResume: boolean;
  onSelect(id: number): void;
  onResume(id: number): void;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

function formatCreated(createdAt: string): string {
  const date = new Date(createdAt.includes('T') || createdAt.endsWith('Z') ? createdAt : `${createdAt.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? createdAt : dateFormat.format(date);
}

/** Every run of the project, newest first; a row selects the run whose curves the chart shows. */
export function RunList({ runs, selectedId, canResume, onSelect, onResume }: Props) {
  if (runs.length === 0) return <p className="runs-empty muted">No runs yet. Start one above; finished runs are listed here.</p>;
  return (
    <ul className="run-list" data-testid="run-list">
      {runs.map((run) => {
        const planned = plannedEpochs(run);
        const best = bestMeanIoU(run);
        const resumable = run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted';
        return (
          <li
            key={run.id}
            className={run.id === selectedId ? 'run-row selected' : 'run-row'}
            onClick={() => onSelect(run.id)}
            data-testid="run-row"
            data-run-id={run.id}
          >
            <div className="run-line">
              <strong className="run-id">#{run.id}</strong>
              <span className={`chip run-status status-${run.status}`} data-testid="run-status">
                {RUN_STATUS_NAMES[run.status]}
              </span>
              <span className="run-created muted">{formatCreated(run.createdAt)}</span>
              <span className="run-best" title="Best validation mean IU">
                <span className="muted">best mean IU</span> <strong data-testid="run-best-iou">{formatMetric(best)}</strong>
              </span>
            </div>
            <div className="run-line run-details muted">
              <span data-testid="run-epochs">
                {run.epochs.length}
                {planned ? ` / ${planned}` : ''} epochs
              </span>
              <span>{describeSettings(run.settings)}</span>
              {run.initialWeights && (
                <span title={run.initialWeights.path} data-testid="run-weights">
                  {run.initialWeights.source === 'imagenet' ? `ImageNet ${run.initialWeights.kerasModel}` : `${run.initialWeights.kerasModel} weights from file`}
                </span>
              )}
            </div>
            {run.backend && (
              <div className="run-line run-backend" data-testid="run-backend">
                <span className="chip chip-backend">{run.backend}</span>
                {run.backendReason && (
                  <span className="muted run-backend-reason" title={run.backendReason}>
                    {run.backendReason}
                  </span>
                )}
              </div>
            )}
            {(run.error || resumable) && (
              <div className="run-line run-problem">
                {run.error && (
                  <span className="run-error" title={run.error} data-testid="run-error">
                    {run.error}
                  </span>
                )}
                {resumable && (
                  <button
                    className="btn btn-small run-resume"
                    disabled={!canResume}
                    onClick={(e) => {
                      e.stopPropagation();
                      onResume(run.id);
                    }}
                    data-testid="run-resume"
                  >
                    Resume
                  </button>
                )}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
