import type { FormEvent, ReactNode } from 'react';
import type { TrainingRequest } from '../../hooks/useTrainingJob';
import { defaultLearningRate, FULL_RESOLUTION_LIMIT, TRAIN_DEFAULTS } from '../../../shared/domain/training';
import { BACKBONE_NAMES, BACKEND_NAMES, HEAD_HELP, HEAD_NAMES, type BackboneName, type BackendName, type HeadName } from './trainingNames';

const HEADS = Object.keys(HEAD_NAMES) as HeadName[];
const BACKBONES = Object.keys(BACKBONE_NAMES) as BackboneName[];
const BACKENDS = Object.keys(BACKEND_NAMES) as BackendName[];

/** The form's fields as typed; blank number fields mean "let the backend choose". */
export interface TrainingDraft {
  head: HeadName;
  backbone: BackboneName;
  backend: BackendName;
  epochs: string;
  maxMinutes: string;
  batch: string;
  longSide: string;
  learningRate: string;
  /** Colour jitter strength, blank = off. */
  colorJitter: string;
  /** Seconds between validations, blank = the default. */
  validateEvery: string;
  weights: WeightsChoice;
  /** A Keras .h5 file on the machine the backend runs on. */
  weightsFile: string;
}

export type WeightsChoice = 'none' | 'imagenet' | 'file';
const WEIGHTS_NAMES: Record<WeightsChoice, string> = { none: 'None', imagenet: 'ImageNet', file: 'File' };

/** The backend's own defaults, shown so that one click trains a sensible model. */
export const DEFAULT_DRAFT: TrainingDraft = {
  head: TRAIN_DEFAULTS.head,
  backbone: TRAIN_DEFAULTS.backbone,
  backend: TRAIN_DEFAULTS.backend,
  // Blank: the default epochs, or none when minutes are given (the minutes are then the budget).
  epochs: '',
  maxMinutes: '',
  batch: String(TRAIN_DEFAULTS.batch),
  longSide: '',
  learningRate: '',
  colorJitter: '',
  validateEvery: '',
  weights: 'none',
  weightsFile: '',
};

interface Props {
  draft: TrainingDraft;
  onChange(draft: TrainingDraft): void;
  busy: boolean;
  onStart(request: TrainingRequest): void;
  /** What the run will train on and how long it will take, shown above Start. */
  children?: ReactNode;
}

function optionalNumber(text: string): number | undefined {
  const value = Number(text.trim());
  return text.trim() === '' || !Number.isFinite(value) ? undefined : value;
}

/** A number field of the draft; null when blank (the backend chooses). */
export function draftNumber(text: string): number | null {
  return optionalNumber(text) ?? null;
}

/** The epochs the draft will train: as typed, else the default, or none when minutes alone are the budget. */
export function draftEpochs(draft: TrainingDraft): number | null {
  return draftNumber(draft.epochs) ?? (draftNumber(draft.maxMinutes) === null ? TRAIN_DEFAULTS.epochs : null);
}

/** New-run settings. The draft lives with the panel so it survives the run it starts. */
export function TrainingForm({ draft, onChange, busy, onStart, children }: Props) {
  const { head, backbone, backend, epochs, maxMinutes, batch, longSide, learningRate, colorJitter, validateEvery, weights, weightsFile } = draft;
  // The small backbone is ours: no ImageNet weights exist for it.
  const imagenetAvailable = backbone !== 'small';
  const weightsChoice: WeightsChoice = weights === 'imagenet' && !imagenetAvailable ? 'none' : weights;
  const set = <K extends keyof TrainingDraft>(key: K) => (value: TrainingDraft[K]) => onChange({ ...draft, [key]: value });
  const [setHead, setBackbone, setBackend] = [set('head'), set('backbone'), set('backend')];
  const [setEpochs, setMaxMinutes, setBatch, setLongSide, setLearningRate] = [set('epochs'), set('maxMinutes'), set('batch'), set('longSide'), set('learningRate')];
  const [setWeights, setWeightsFile, setColorJitter, setValidateEvery] = [set('weights'), set('weightsFile'), set('colorJitter'), set('validateEvery')];

  // "File" without a path would quietly train from scratch: Start waits for the path.
  const missingWeightsFile = weightsChoice === 'file' && weightsFile.trim() === '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (missingWeightsFile) return;
    onStart({
      head,
      backbone,
      backend,
      epochs: optionalNumber(epochs),
      maxMinutes: optionalNumber(maxMinutes),
      batch: optionalNumber(batch),
      longSide: optionalNumber(longSide),
      learningRate: optionalNumber(learningRate),
      colorJitter: optionalNumber(colorJitter),
      validateEverySeconds: optionalNumber(validateEvery),
      weights: weightsChoice === 'file' ? weightsFile.trim() || undefined : weightsChoice,
    });
  };

  return (
    <form className="training-form" onSubmit={submit} data-testid="training-form">
      <fieldset className="training-fields" disabled={busy}>
        <div className="training-grid">
          <label className="field">
            <span>Model</span>
            <select className="select" value={head} onChange={(e) => setHead(e.target.value as HeadName)} data-testid="training-head">
              {HEADS.map((h) => (
                <option key={h} value={h}>
                  {HEAD_NAMES[h]} · {HEAD_HELP[h]}
                </option>
              ))}
            </select>
          </label>
          <div className="field">
            <span>Backbone</span>
            <div className="segmented" role="radiogroup" aria-label="Backbone">
              {BACKBONES.map((b) => (
                <label key={b} className={b === backbone ? 'segment selected' : 'segment'} data-testid={`training-backbone-${b}`}>
                  <input type="radio" name="training-backbone" value={b} checked={b === backbone} onChange={() => setBackbone(b)} />
                  {BACKBONE_NAMES[b]}
                </label>
              ))}
            </div>
          </div>
        </div>
        <p className="field-hint muted">Small: fast on CPUs; VGG16: the paper&apos;s net, for a GPU.</p>

        <div className="field">
          <span>Initial weights</span>
          <div className="segmented" role="radiogroup" aria-label="Initial weights">
            {(Object.keys(WEIGHTS_NAMES) as WeightsChoice[]).map((w) => {
              const disabled = w === 'imagenet' && !imagenetAvailable;
              return (
                <label key={w} className={w === weightsChoice ? 'segment selected' : 'segment'} data-testid={`training-weights-${w}`} aria-disabled={disabled}>
                  <input type="radio" name="training-weights" value={w} checked={w === weightsChoice} disabled={disabled} onChange={() => setWeights(w)} />
                  {WEIGHTS_NAMES[w]}
                </label>
              );
            })}
          </div>
        </div>
        {weightsChoice === 'file' && (
          <label className="field">
            <span>Keras weights file (.h5)</span>
            <input
              className="input"
              type="text"
              placeholder="/path/to/vgg16_weights_tf_dim_ordering_tf_kernels.h5"
              value={weightsFile}
              onChange={(e) => setWeightsFile(e.target.value)}
              data-testid="training-weights-file"
            />
          </label>
        )}
        <p className="field-hint muted">
          {weightsChoice === 'imagenet'
            ? 'Keras ImageNet weights, downloaded once and kept in your user cache (VGG16: 528 MiB).'
            : weightsChoice === 'file'
              ? 'A Keras HDF5 file for this backbone; its layers are checked before the run starts.'
              : imagenetAvailable
                ? 'Freshly initialised. ImageNet weights train faster from few labels.'
                : 'Freshly initialised (the Small backbone has no ImageNet weights).'}
        </p>

        <div className="training-grid training-grid-3">
          <label className="field">
            <span>Compute</span>
            <select className="select" value={backend} onChange={(e) => setBackend(e.target.value as BackendName)} data-testid="training-backend">
              {BACKENDS.map((b) => (
                <option key={b} value={b}>
                  {BACKEND_NAMES[b]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Epochs</span>
            <input
              className="input"
              type="number"
              min={1}
              step={1}
              placeholder={maxMinutes.trim() ? 'Until the minutes are spent' : String(TRAIN_DEFAULTS.epochs)}
              value={epochs}
              onChange={(e) => setEpochs(e.target.value)}
              data-testid="training-epochs"
            />
          </label>
          <label className="field">
            <span>Max minutes</span>
            <input
              className="input"
              type="number"
              min={0.1}
              step="any"
              placeholder="No limit"
              value={maxMinutes}
              onChange={(e) => setMaxMinutes(e.target.value)}
              data-testid="training-max-minutes"
            />
          </label>
        </div>

        <details className="training-advanced" data-testid="training-advanced">
          <summary>Advanced</summary>
          <div className="training-grid training-grid-3">
            <label className="field">
              <span>Batch</span>
              <input className="input" type="number" min={1} max={256} step={1} value={batch} onChange={(e) => setBatch(e.target.value)} data-testid="training-batch" />
            </label>
            <label className="field">
              <span title="Longer image side the network trains at, in pixels">Image size</span>
              <input
                className="input"
                type="number"
                min={32}
                max={4096}
                step={1}
                placeholder={`Auto (full size up to ${FULL_RESOLUTION_LIMIT})`}
                value={longSide}
                onChange={(e) => setLongSide(e.target.value)}
                data-testid="training-size"
              />
            </label>
            <label className="field">
              <span>Learning rate</span>
              <input
                className="input"
                type="number"
                min={0}
                max={1}
                step="any"
                placeholder={String(defaultLearningRate(backbone, weightsChoice !== 'none'))}
                value={learningRate}
                onChange={(e) => setLearningRate(e.target.value)}
                data-testid="training-lr"
              />
            </label>
            <label className="field">
              <span title="Brightness, contrast and saturation varied by up to ± this fraction per training image">Colour jitter</span>
              <input
                className="input"
                type="number"
                min={0}
                max={0.9}
                step={0.05}
                placeholder="Off"
                value={colorJitter}
                onChange={(e) => setColorJitter(e.target.value)}
                data-testid="training-color-jitter"
              />
            </label>
            <label className="field">
              <span title="Validation (and the best checkpoint) at most this often, and always after the last epoch; 0 = after every epoch">Validate every (s)</span>
              <input
                className="input"
                type="number"
                min={0}
                step={1}
                placeholder={String(TRAIN_DEFAULTS.validateEverySeconds)}
                value={validateEvery}
                onChange={(e) => setValidateEvery(e.target.value)}
                data-testid="training-validate-every"
              />
            </label>
          </div>
        </details>
      </fieldset>
      {children}
      <div className="training-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || missingWeightsFile}
          title={missingWeightsFile ? 'Enter the path of the Keras weights file, or choose None' : undefined}
          data-testid="training-start"
        >
          {busy ? 'Starting…' : 'Start training'}
        </button>
      </div>
    </form>
  );
}
