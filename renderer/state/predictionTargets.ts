import { SPLITS } from '../../shared/domain/images';
import type { PredictionTarget } from '../../shared/review/predictions';
import { SPLIT_NAMES } from './displayNames';

/** What a screen knows that a prediction job could cover besides the fixed targets. */
export interface PredictionScope {
  /** The image open in the editor, if any. */
  openImageId: number | null;
  /** The grid's selection (empty when nothing is selected). */
  selectedIds: readonly number[];
}

export interface PredictionChoice {
  /** Stable key for a `<select>` value. */
  key: string;
  label: string;
  target: PredictionTarget;
}

/**
 * The images a prediction job can cover, in menu order: every unlabeled image first (the usual
 * next step after training), the open image and the selection only when there is one, then each split.
 */
export function predictionChoices({ openImageId, selectedIds }: PredictionScope): PredictionChoice[] {
  const choices: PredictionChoice[] = [{ key: 'unlabeled', label: 'Unlabeled images', target: { kind: 'unlabeled' } }];
  if (openImageId !== null) choices.push({ key: 'open', label: 'The open image', target: { kind: 'images', ids: [openImageId] } });
  if (selectedIds.length > 0) choices.push({ key: 'selection', label: `Selected images (${selectedIds.length})`, target: { kind: 'images', ids: [...selectedIds] } });
  for (const split of SPLITS) choices.push({ key: split, label: `${SPLIT_NAMES[split]} split`, target: { kind: 'split', split } });
  return choices;
}
