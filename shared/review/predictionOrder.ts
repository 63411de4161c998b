import type { PredictionSummary } from './predictions';

/** How the grid orders and filters images by their current prediction. */
export const PREDICTION_ORDERS = ['none', 'uncertain', 'margin', 'disagreement'] as const;
export type PredictionOrder = (typeof PREDICTION_ORDERS)[number];
export const PREDICTION_FILTERS = ['any', 'predicted', 'unpredicted'] as const;
export type PredictionFilter = (typeof PREDICTION_FILTERS)[number];

/** The score an order ranks by, smaller first (so uncertainty is negated); undefined: the image has none. */
function rankScore(s: PredictionSummary | undefined, order: PredictionOrder): number | undefined {
  if (!s) return undefined;
  if (order === 'uncertain') return -s.meanEntropy;
  if (order === 'margin') return s.meanMargin ?? undefined;
  if (order === 'disagreement') return s.iou ?? undefined;
  return undefined;
}

/**
 * Items filtered and ordered by their prediction: most uncertain (entropy) first, smallest margin
 * first, or lowest IoU with their label first; items without that score keep their order, after
 * the scored ones. `none` keeps the given order.
 */
export function orderByPrediction<T extends { id: number }>(
  items: readonly T[],
  predictions: ReadonlyMap<number, PredictionSummary>,
  order: PredictionOrder,
  filter: PredictionFilter,
): T[] {
  const kept = filter === 'any' ? items.slice() : items.filter((i) => predictions.has(i.id) === (filter === 'predicted'));
  if (order === 'none') return kept;
  const scored = kept.map((item, index) => ({ item, index, score: rankScore(predictions.get(item.id), order) }));
  scored.sort((a, b) => {
    if (a.score === undefined || b.score === undefined) return a.score === b.score ? a.index - b.index : a.score === undefined ? 1 : -1;
    return a.score - b.score || a.index - b.index;
  });
  return scored.map((s) => s.item);
}
