import { useCallback, useMemo } from 'react';
import { labelAgreement } from '../../../shared/review/labelAgreement';
import type { LabelClass } from '../../../shared/domain/classes';
import type { Editor, EditorSnapshot } from '../../editor/editor';
import type { PredictionView } from '../../editor/predictionReview';
import { useBackendEvent } from '../../hooks/useBackendEvent';
import { usePredictionJob } from '../../hooks/usePredictionJob';

interface Props {
  editor: Editor;
  snapshot: EditorSnapshot;
  classes: readonly LabelClass[];
  imageId: number;
  /** The mask version the editor holds: agreement is measured again whenever it moves. */
  labelVersion: number | null;
  /** A new prediction of this image was stored: show it. */
  onPredicted(runId: number): void;
}

const VIEW_NAMES: Record<PredictionView, string> = { prediction: 'Prediction', confidence: 'Confidence', errors: 'Errors' };

function percent(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

/** The model's prediction of this image: how sure it is, how it agrees with the label, and accepting it into the label. */
export function ReviewPanel({ editor, snapshot, classes, imageId, labelVersion, onPredicted }: Props) {
  const { job, error, start, cancel } = usePredictionJob(useCallback(() => {}, []));
  const p = snapshot.prediction;
  // The stored agreement is for the label as it was when predicted or listed; the editor's label
  // moves on with every save, so it is measured here against the pixels the editor holds.
  const prediction = editor.prediction;
  const agreement = useMemo(
    () => (prediction && labelVersion !== null ? labelAgreement(prediction.values, editor.doc.values) : null),
    [prediction, labelVersion, editor],
  );

  useBackendEvent('predictions:saved', ({ summary }) => {
    if (summary.imageId === imageId) onPredicted(summary.runId);
  });
  const predict = () => start({ kind: 'images', ids: [imageId] });

  return (
    <section className="panel editor-review" data-testid="review-panel">
      <div className="panel-title">
        <h2>Prediction</h2>
        {p && (
          <span className="count-pill" title="The run whose best checkpoint predicted this image">
            run {p.summary.runId}
          </span>
        )}
      </div>
      {!p && <p className="option-help muted">No prediction of this image yet.</p>}
      <div className="review-actions">
        {job ? (
          <button className="btn" onClick={cancel} data-testid="predict-cancel">
            Predicting… Cancel
          </button>
        ) : (
          <button className="btn" onClick={() => void predict()} data-testid="predict-image" title="Predict this image with the newest run's best checkpoint">
            {p ? 'Predict again' : 'Predict this image'}
          </button>
        )}
      </div>
      {error && (
        <p className="option-help error-text" role="alert" data-testid="review-error">
          {error}
        </p>
      )}
      {p && (
        <>
          <dl className="review-stats" data-testid="review-stats">
            <dt title="Mean per-pixel entropy of the softmax: higher = less sure">Uncertainty</dt>
            <dd data-testid="review-entropy">{p.summary.meanEntropy.toFixed(3)}</dd>
            <dt title="Mean gap between the two likeliest classes: lower = less sure">Margin</dt>
            <dd>{p.summary.meanMargin === null ? '—' : p.summary.meanMargin.toFixed(3)}</dd>
            <dt title="Against this image's saved label (labeled pixels only)">IoU with label</dt>
            <dd data-testid="review-iou">{percent(agreement?.iou ?? null)}</dd>
            <dt>Agreement</dt>
            <dd>{percent(agreement?.agreement ?? null)}</dd>
          </dl>
          <label className="option-row">
            <input type="checkbox" className="layer-check" checked={p.visible} onChange={(e) => editor.setPredictionVisible(e.target.checked)} aria-label="Show the prediction (T)" data-testid="prediction-visible" />
            <span>Opacity</span>
            <input type="range" min={5} max={100} value={Math.round(p.opacity * 100)} onChange={(e) => editor.setPredictionOpacity(Number(e.target.value) / 100)} aria-label="Prediction opacity" data-testid="prediction-opacity" />
            <span className="option-value">{Math.round(p.opacity * 100)}%</span>
          </label>
          <div className="option-row">
            <div className="segmented review-views" title="Show the predicted classes, the confidence heat-map, or where the prediction differs from the label (C cycles)">
              {(Object.keys(VIEW_NAMES) as PredictionView[]).map((view) => (
                <button key={view} className={p.view === view ? 'active' : ''} onClick={() => editor.setPredictionView(view)} data-testid={`prediction-view-${view}`}>
                  {VIEW_NAMES[view]}
                </button>
              ))}
            </div>
          </div>
          <label className="option-row" title="Only pixels the model is at least this sure of are previewed and accepted">
            <span>Min. conf.</span>
            <input type="range" min={0} max={100} value={Math.round(p.threshold * 100)} onChange={(e) => editor.setAcceptFilter({ threshold: Number(e.target.value) / 100 })} aria-label="Minimum confidence to accept" data-testid="accept-threshold" />
            <span className="option-value">{Math.round(p.threshold * 100)}%</span>
          </label>
          <label className="option-row">
            <span>Class</span>
            <select className="select" value={p.classValue ?? ''} onChange={(e) => editor.setAcceptFilter({ classValue: e.target.value === '' ? null : Number(e.target.value) })} data-testid="accept-class">
              <option value="">Every class</option>
              {classes.map((c) => (
                <option key={c.id} value={c.value}>
                  Only {c.name}
                </option>
              ))}
            </select>
          </label>
          <div className="review-actions">
            <button className="btn btn-primary" onClick={() => editor.perform('prediction.acceptUnlabeled')} data-testid="accept-unlabeled" title="Accept where unlabeled (U)">
              Accept where unlabeled <kbd>U</kbd>
            </button>
            <button className="btn" onClick={() => editor.perform('prediction.acceptAll')} data-testid="accept-all" title="Accept everywhere, over existing labels (Shift+U)">
              Accept all
            </button>
            <button className={`btn${snapshot.settings.acceptRegion ? ' btn-active' : ''}`} onClick={() => editor.perform('prediction.lasso')} data-testid="accept-lasso" title="The brush or the polygon / lasso accepts the prediction where it passes (Shift+L)">
              Brush / lasso accept
            </button>
          </div>
          <p className="option-help muted">Each accept is one step: undo with Ctrl+Z. An accepted image needs review until you mark it done.</p>
        </>
      )}
    </section>
  );
}
