import { useCallback, useState } from 'react';
import type { RendererEvents } from '../../shared/contract/rendererContract';
import { PREDICTION_FILTERS, PREDICTION_ORDERS, type PredictionFilter, type PredictionOrder } from '../../shared/review/predictionOrder';
import { usePredictionJob } from '../hooks/usePredictionJob';
import { predictionChoices } from '../state/predictionTargets';

const ORDER_NAMES: Record<PredictionOrder, string> = {
  none: 'Model: no order',
  uncertain: 'Most uncertain first',
  margin: 'Smallest margin first',
  disagreement: 'Lowest IoU with label first',
};
const FILTER_NAMES: Record<PredictionFilter, string> = { any: 'Predicted or not', predicted: 'Has a prediction', unpredicted: 'No prediction' };

interface Props {
  runId: number | null;
  predicted: number;
  selectedIds: number[];
  order: PredictionOrder;
  filter: PredictionFilter;
  onOrder(order: PredictionOrder): void;
  onFilter(filter: PredictionFilter): void;
}

/** Predict images with the newest run (unlabeled, a selection, a split), with progress and cancel; order and filter the grid by prediction. */
export function PredictionBar({ runId, predicted, selectedIds, order, filter, onOrder, onFilter }: Props) {
  const [what, setWhat] = useState<string>('unlabeled');
  const [message, setMessage] = useState<string | null>(null);
  const { job, error, start: startJob, cancel } = usePredictionJob(
    useCallback((e: RendererEvents['predictions:done']) => {
      if (!e.error) setMessage(`Run ${e.runId} predicted ${e.predicted} image${e.predicted === 1 ? '' : 's'}${e.cancelled ? ' (cancelled)' : ''}.`);
    }, []),
  );

  const choices = predictionChoices({ openImageId: null, selectedIds });
  // A selection that went away falls back to unlabeled images.
  const choice = choices.find((c) => c.key === what) ?? choices[0];
  const start = () => {
    setMessage(null);
    void startJob(choice.target);
  };

  return (
    <div className="toolbar prediction-bar" data-testid="prediction-bar">
      <span className="muted" data-testid="prediction-run">
        {runId === null ? 'No trained run yet' : `Run ${runId}: ${predicted} predicted`}
      </span>
      <select className="select" value={choice.key} onChange={(e) => setWhat(e.target.value)} aria-label="Images to predict" data-testid="predict-target">
        {choices.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label}
          </option>
        ))}
      </select>
      {job ? (
        <>
          <progress max={Math.max(1, job.total)} value={job.done} data-testid="predict-progress" />
          <span className="muted">
            {job.done} / {job.total}
          </span>
          <button className="btn" onClick={cancel} data-testid="predict-cancel-all">
            Cancel
          </button>
        </>
      ) : (
        <button className="btn" onClick={start} disabled={runId === null} data-testid="predict-start">
          Predict
        </button>
      )}
      {(error ?? message) && (
        <span className="muted" role="status" data-testid="predict-message">
          {error ?? message}
        </span>
      )}
      <span className="toolbar-spacer" />
      <select className="select" value={order} onChange={(e) => onOrder(e.target.value as PredictionOrder)} aria-label="Order by prediction" data-testid="prediction-order">
        {PREDICTION_ORDERS.map((o) => (
          <option key={o} value={o}>
            {ORDER_NAMES[o]}
          </option>
        ))}
      </select>
      <select className="select" value={filter} onChange={(e) => onFilter(e.target.value as PredictionFilter)} aria-label="Filter by prediction" data-testid="prediction-filter">
        {PREDICTION_FILTERS.map((f) => (
          <option key={f} value={f}>
            {FILTER_NAMES[f]}
          </option>
        ))}
      </select>
    </div>
  );
}
