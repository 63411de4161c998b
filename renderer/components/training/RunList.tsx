import type { RunSummary } from '../../../shared/contract/rendererContract';
import type { PredictionTarget } from '../../../shared/review/predictions';
import type { RunPrediction } from '../../hooks/useTrainingPredictions';
import type { PredictionScope } from '../../state/predictionTargets';
import { runColor } from './RunCompareChart';
import { RunPredictControl } from './RunPredictControl';
import { bestMeanIoU, describeSettings, formatDuration, formatMetric, plannedEpochs, runSeconds, RUN_STATUS_NAMES } from './trainingNames';

interface Props {
  runs: RunSummary[];
  selectedId: number | null;
  /** Runs ticked for the compare chart, in tick order. */
  comparedIds: number[];
  /** False while a run is starting or running here: one run at a time. */
  canResume: boolean;
  onSelect(id: number): void;
  onToggleCompare(id: number): void;
  onResume(id: number): void;
  onEvaluate(id: number): void;
  onExport(id: number): void;
  onDelete(id: number): void;
  /** Prediction jobs started from a row, by run. */
  predictions: ReadonlyMap<number, RunPrediction>;
  /** The open image and the grid's selection, offered as prediction targets. */
  predictionScope: PredictionScope;
  onPredict(id: number, target: PredictionTarget): void;
  onCancelPrediction(jobId: string): void;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

function formatCreated(createdAt: string): string {
  const date = new Date(createdAt.includes('T') || createdAt.endsWith('Z') ? createdAt : `${createdAt.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? createdAt : dateFormat.format(date);
}

/**
 * Every run of the project, newest first: what it trained on and with, how long, its best val
 * numbers, and what to do next with it. A row selects the run the curves and detail show.
 */
export function RunList({ runs, selectedId, comparedIds, canResume, onSelect, onToggleCompare, onResume, onEvaluate, onExport, onDelete, predictions, predictionScope, onPredict, onCancelPrediction }: Props) {
  if (runs.length === 0) return <p className="runs-empty muted">No runs yet. Start one above; finished runs are listed here.</p>;
  return (
    <ul className="run-list" data-testid="run-list">
      {runs.map((run) => {
        const planned = plannedEpochs(run);
        const best = bestMeanIoU(run);
        const resumable = run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted';
        const compareIndex = comparedIds.indexOf(run.id);
        const hasCheckpoint = run.bestEpoch !== null;
        const prediction = predictions.get(run.id);
        const action = (label: string, testId: string, onClick: () => void, disabled = false) => (
          <button
            className="btn btn-small"
            disabled={disabled}
            onClick={(e) => {
              e.stopPropagation();
              onClick();
            }}
            data-testid={testId}
          >
            {label}
          </button>
        );
        return (
          <li
            key={run.id}
            className={run.id === selectedId ? 'run-row selected' : 'run-row'}
            onClick={() => onSelect(run.id)}
            data-testid="run-row"
            data-run-id={run.id}
          >
            <div className="run-line">
              <label className="run-compare" title="Compare this run's val mean IU with other ticked runs" onClick={(e) => e.stopPropagation()}>
                <input type="checkbox" checked={compareIndex >= 0} onChange={() => onToggleCompare(run.id)} data-testid="run-compare" />
                <span className="swatch" style={{ background: compareIndex >= 0 ? runColor(compareIndex) : 'transparent' }} aria-hidden />
              </label>
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
              <span data-testid="run-duration" title="Time spent in epochs">
                {formatDuration(runSeconds(run))}
              </span>
              {run.backend && <span className="chip chip-backend">{run.backend}</span>}
              <span>{describeSettings(run.settings)}</span>
              {run.trainImages !== null && (
                <span data-testid="run-data">
                  {run.trainImages} train · {run.valImages ?? 0} val images
                </span>
              )}
              {run.initialWeights && (
                <span title={run.initialWeights.path} data-testid="run-weights">
                  {run.initialWeights.source === 'imagenet' ? `ImageNet ${run.initialWeights.kerasModel}` : `${run.initialWeights.kerasModel} weights from file`}
                </span>
              )}
            </div>
            {run.error && (
              <div className="run-line run-problem">
                <span className="run-error" title={run.error} data-testid="run-error">
                  {run.error}
                </span>
              </div>
            )}
            <div className="run-line run-actions">
              {resumable && action('Resume', 'run-resume', () => onResume(run.id), !canResume)}
              {prediction?.jobId ? (
                <span className="run-predicting" data-testid="run-predicting">
                  Predicting {prediction.done} / {prediction.total}
                  {action('Cancel', 'run-predict-cancel', () => onCancelPrediction(prediction.jobId!))}
                </span>
              ) : (
                <RunPredictControl scope={predictionScope} enabled={hasCheckpoint} onPredict={(target) => onPredict(run.id, target)} />
              )}
              {action('Evaluate', 'run-row-evaluate', () => onEvaluate(run.id), !hasCheckpoint)}
              {action('Export model…', 'run-export', () => onExport(run.id), !hasCheckpoint)}
              {action('Delete…', 'run-delete', () => onDelete(run.id), run.status === 'running')}
            </div>
            {prediction?.message && (
              <div className="run-line muted run-predicted" data-testid="run-predicted">
                {prediction.message}
              </div>
            )}
            {run.backendReason && (
              <details className="run-diagnostics" onClick={(e) => e.stopPropagation()} data-testid="run-backend">
                <summary className="muted">Backend diagnostics</summary>
                <p className="muted run-backend-reason">
                  {run.backend}: {run.backendReason}
                </p>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}
