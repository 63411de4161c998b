import { useState } from 'react';
import type { PredictionTarget } from '../../../shared/review/predictions';
import { predictionChoices, type PredictionScope } from '../../state/predictionTargets';

interface Props {
  scope: PredictionScope;
  /** False until the run has a checkpoint to predict with. */
  enabled: boolean;
  onPredict(target: PredictionTarget): void;
}

/**
 * A run row's "Predict": which images (unlabeled, the open image, the selection, a split) and the
 * button. A choice that goes away (the editor closed, the selection cleared) falls back to unlabeled.
 */
export function RunPredictControl({ scope, enabled, onPredict }: Props) {
  const choices = predictionChoices(scope);
  const [key, setKey] = useState('unlabeled');
  const choice = choices.find((c) => c.key === key) ?? choices[0];
  return (
    <span className="run-predict" onClick={(e) => e.stopPropagation()}>
      <select
        className="select"
        value={choice.key}
        onChange={(e) => setKey(e.target.value)}
        disabled={!enabled}
        aria-label="Images to predict with this run"
        data-testid="run-predict-target"
      >
        {choices.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label}
          </option>
        ))}
      </select>
      <button className="btn btn-small" disabled={!enabled} onClick={() => onPredict(choice.target)} data-testid="run-predict" title="Predict these images with this run's best checkpoint">
        Predict
      </button>
    </span>
  );
}
