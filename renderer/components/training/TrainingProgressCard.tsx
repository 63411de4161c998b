import type { TrainingProgress, WeightsDownload } from '../../hooks/useTrainingJob';
import { formatBytes, formatCount } from '../../state/displayNames';
import { formatDuration, formatMetric } from './trainingNames';

interface Props {
  runId: number | null;
  progress: TrainingProgress | null;
  download: WeightsDownload | null;
  plannedEpochs: number | null;
  cancelling: boolean;
  onCancel(): void;
}

/** The running epoch: step bar, loss, throughput and time left, with Cancel. */
export function TrainingProgressCard({ runId, progress, download, plannedEpochs, cancelling, onCancel }: Props) {
  const steps = progress?.stepsPerEpoch ?? null;
  const downloading = !progress && download !== null;
  const fraction = downloading ? (download.total ? Math.min(1, download.bytes / download.total) : 0) : progress && steps ? Math.min(1, progress.step / steps) : 0;
  const heading = cancelling
    ? 'Cancelling…'
    : progress
      ? `Epoch ${progress.epoch}${plannedEpochs ? ` of ${plannedEpochs}` : ''}`
      : downloading
        ? `Downloading ImageNet weights: ${formatBytes(download.bytes)}${download.total ? ` of ${formatBytes(download.total)}` : ''}`
        : 'Preparing data…';
  return (
    <div className="training-progress" data-testid="training-progress">
      <div className="training-progress-head">
        <span className="live-dot" aria-hidden />
        <strong data-testid="training-epoch">
          {heading}
        </strong>
        {runId !== null && <span className="muted">Run #{runId}</span>}
        <button className="btn btn-small training-cancel" onClick={onCancel} disabled={cancelling} data-testid="training-cancel">
          Cancel
        </button>
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={steps ?? undefined} aria-valuenow={progress?.step ?? 0}>
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <dl className="training-stats">
        <div>
          <dt>Step</dt>
          <dd data-testid="training-step">{progress ? `${formatCount(progress.step)}${steps ? ` / ${formatCount(steps)}` : ''}` : '—'}</dd>
        </div>
        <div>
          <dt>Loss</dt>
          <dd data-testid="training-loss">{formatMetric(progress?.loss, 4)}</dd>
        </div>
        <div>
          <dt>Images/s</dt>
          <dd>{progress ? progress.imagesPerSecond.toFixed(1) : '—'}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{progress?.etaSeconds != null ? formatDuration(progress.etaSeconds) : '—'}</dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd data-testid="training-memory">{progress ? formatBytes(progress.memoryBytes) : '—'}</dd>
        </div>
      </dl>
    </div>
  );
}
