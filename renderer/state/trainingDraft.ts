import { DEFAULT_DRAFT, type TrainingDraft } from '../components/training/TrainingForm';
import { BACKBONE_NAMES, BACKEND_NAMES, HEAD_NAMES } from '../components/training/trainingNames';

const KEY = 'fcnStudio.trainingDraft';

const CHOICES: Partial<Record<keyof TrainingDraft, readonly string[]>> = {
  head: Object.keys(HEAD_NAMES),
  backbone: Object.keys(BACKBONE_NAMES),
  backend: Object.keys(BACKEND_NAMES),
  weights: ['none', 'imagenet', 'file'],
};

/**
 * The Training form as the user last left it (it survives a reload), field by field: a field that
 * is missing, of the wrong type, or no longer a valid choice takes its default.
 */
export function readTrainingDraft(): TrainingDraft {
  let stored: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    if (parsed && typeof parsed === 'object') stored = parsed as Record<string, unknown>;
  } catch {
    // An unreadable draft is no draft.
  }
  const draft = { ...DEFAULT_DRAFT };
  for (const key of Object.keys(DEFAULT_DRAFT) as (keyof TrainingDraft)[]) {
    const value = stored[key];
    if (typeof value !== 'string') continue;
    const choices = CHOICES[key];
    if (choices && !choices.includes(value)) continue;
    (draft as Record<string, string>)[key] = value;
  }
  return draft;
}

export function saveTrainingDraft(draft: TrainingDraft): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the form still works, it just starts fresh next time.
  }
}
