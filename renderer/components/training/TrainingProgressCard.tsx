import type { TrainingProgress, WeightsDownload } from '../../hooks/useTrainingJob';
import { formatBytes, formatCount } from '../../state/displayNames';
import { formatDuration, formatMetric } from './trainingNames';

interface Props {
  runId: number | null;
  progress: TrainingProgress | null;
  download: WeightsDownload | null;
  plannedEpochs: number | null;
  maxMinutes: number | null;
  cancelling: boolean;
  onCancel(): void;
}

/** The running run: its whole-run bar and time left, loss, with the epoch's step and the process's numbers behind a disclosure. */
export function TrainingProgressCard({ runId, progress, download, plannedEpochs, maxMinutes, cancelling, onCancel }: Props) {
  const steps = progress?.stepsPerEpoch ?? null;
  const downloading = !progress && download !== null;
  const fraction = downloading ? (download.total ? Math.min(1, download.bytes / download.total) : 0) : (progress?.runFraction ?? 0);
  const heading = cancelling
    ? 'Cancelling…'
    : progress
      ? `Epoch ${progress.epoch}${plannedEpochs ? ` of ${plannedEpochs}` : ''}`
      : downloading
        ? `Downloading ImageNet weights: ${formatBytes(download.bytes)}${download.total ? ` of ${formatBytes(download.total)}` : ''}`
        : 'Preparing data…';
  const plan = [plannedEpochs ? `${plannedEpochs} epochs` : null, maxMinutes ? `${maxMinutes} min at most` : null].filter(Boolean).join(', ');
  return (
    <div className="training-progress" data-testid="training-progress">
      <div className="training-progress-head">
        <span className="live-dot" aria-hidden />
        <strong data-testid="training-epoch">{heading}</strong>
        {runId !== null && <span className="muted">Run #{runId}</span>}
        <button className="btn btn-small training-cancel" onClick={onCancel} disabled={cancelling} data-testid="training-cancel">
          Cancel
        </button>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={downloading ? 'Weights download' : 'Whole run'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        data-testid="training-run-bar"
        data-fraction={fraction.toFixed(4)}
      >
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <dl className="training-stats">
        <div>
          <dt>Run done</dt>
          <dd data-testid="training-run-percent">{progress ? `${Math.floor(progress.runFraction * 100)} %` : '—'}</dd>
        </div>
        <div>
          <dt title={plan ? `Until the run ends: ${plan}` : undefined}>Run ends in</dt>
          <dd data-testid="training-eta">{progress?.runEtaSeconds != null ? formatDuration(progress.runEtaSeconds) : '—'}</dd>
        </div>
        <div>
          <dt>Loss</dt>
          <dd data-testid="training-loss">{formatMetric(progress?.loss, 4)}</dd>
        </div>
      </dl>
      <details className="training-diagnostics" data-testid="training-diagnostics">
        <summary className="muted">Details</summary>
        <dl className="training-stats">
          <div>
            <dt>Epoch step</dt>
            <dd data-testid="training-step">{progress ? `${formatCount(progress.step)}${steps ? ` / ${formatCount(steps)}` : ''}` : '—'}</dd>
          </div>
          <div>
            <dt>Epoch ends in</dt>
            <dd>{progress?.etaSeconds != null ? formatDuration(progress.etaSeconds) : '—'}</dd>
          </div>
          <div>
            <dt>Images/s</dt>
            <dd>{progress ? progress.imagesPerSecond.toFixed(1) : '—'}</dd>
          </div>
          <div>
            <dt>Memory</dt>
            <dd data-testid="training-memory">{progress ? formatBytes(progress.memoryBytes) : '—'}</dd>
          </div>
        </dl>
      </details>
    </div>
  );
}
