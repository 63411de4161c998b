import type { RunEvaluation, RunSummary } from '../../../shared/contract/rendererContract';
import type { LabelClass } from '../../../shared/domain/classes';
import { InlineError } from '../InlineError';
import { ConfusionHeatmap } from './ConfusionHeatmap';
import { PerClassIoUBars, type ClassKey } from './PerClassIoUBars';
import { formatMetric } from './trainingNames';

interface Props {
  run: RunSummary;
  /** The project's classes (for colours, and names of the training-time numbers). */
  classes: LabelClass[];
  evaluation: RunEvaluation | null;
  evaluating: boolean;
  error: string | null;
  canEvaluate: boolean;
  onEvaluate(): void;
}

/**
 * The best checkpoint of a run: per-class IoU bars and the confusion heat-map. Once evaluated,
 * these are eval's full-resolution numbers (exactly what `fcn-studio eval --json` prints);
 * before that, what validation measured during training, at the training scale, and said so.
 */
export function RunDetail({ run, classes, evaluation, evaluating, error, canEvaluate, onEvaluate }: Props) {
  const byValue = [...classes].sort((a, b) => a.value - b.value);
  const colorOf = new Map(classes.map((c) => [c.name, c.color]));
  const best = run.bestEpoch;
  const source = evaluation
    ? {
        names: evaluation.classes,
        perClassIoU: evaluation.perClassIoU,
        confusion: evaluation.confusion,
        meanIoU: evaluation.meanIoU,
        pixelAccuracy: evaluation.pixelAccuracy,
      }
    : best && best.perClassIoU && best.confusion
      ? { names: trainingClassNames(byValue, best.confusion.length), perClassIoU: best.perClassIoU, confusion: best.confusion, meanIoU: best.meanIoU, pixelAccuracy: best.pixelAccuracy }
      : null;
  const keys: ClassKey[] = (source?.names ?? []).map((name) => ({ name, color: colorOf.get(name) ?? '#868e96' }));

  return (
    <div className="run-detail" data-testid="run-detail" data-run-id={run.id} data-source={evaluation ? 'eval' : best ? 'training' : 'none'}>
      <div className="run-detail-head">
        {evaluation ? (
          <p data-testid="run-detail-source">
            Epoch {evaluation.checkpointEpoch}&apos;s checkpoint on val at full resolution ({evaluation.images} images), as{' '}
            <code>fcn-studio eval</code> computes it.
            {evaluation.stale && (
              <span className="warn-text" data-testid="evaluation-stale">
                {' '}
                Labels or the checkpoint changed since: evaluate again.
              </span>
            )}
          </p>
        ) : best ? (
          <p data-testid="run-detail-source" className="muted">
            Epoch {best.epoch} (best), as validated during training at the training scale. Evaluate for full-resolution numbers.
          </p>
        ) : (
          <p className="muted">No validated epoch yet.</p>
        )}
        <button className="btn btn-small" onClick={onEvaluate} disabled={!canEvaluate || evaluating || !best} data-testid="run-evaluate">
          {evaluating ? 'Evaluating…' : evaluation ? 'Evaluate again' : 'Evaluate'}
        </button>
      </div>
      <InlineError message={error} />
      {source && (
        <>
          <dl className="training-stats run-detail-stats">
            <div>
              <dt>Mean IU</dt>
              <dd data-testid="detail-mean-iou">{formatMetric(source.meanIoU, 4)}</dd>
            </div>
            <div>
              <dt>Pixel accuracy</dt>
              <dd data-testid="detail-pixel-accuracy">{formatMetric(source.pixelAccuracy, 4)}</dd>
            </div>
            {evaluation && (
              <>
                <div>
                  <dt>Mean accuracy</dt>
                  <dd>{formatMetric(evaluation.meanAccuracy, 4)}</dd>
                </div>
                <div>
                  <dt>fw IU</dt>
                  <dd>{formatMetric(evaluation.fwIoU, 4)}</dd>
                </div>
              </>
            )}
          </dl>
          <h4 className="run-detail-title">Per-class IoU</h4>
          <PerClassIoUBars classes={keys} values={source.perClassIoU} />
          <h4 className="run-detail-title">Confusion</h4>
          <ConfusionHeatmap classes={source.names} confusion={source.confusion} />
        </>
      )}
    </div>
  );
}

/** The names of a run's classes; a class set changed since the run (added or deleted classes) is shown by position. */
function trainingClassNames(byValue: LabelClass[], count: number): string[] {
  return byValue.length === count ? byValue.map((c) => c.name) : Array.from({ length: count }, (_, i) => `class ${i + 1}`);
}
