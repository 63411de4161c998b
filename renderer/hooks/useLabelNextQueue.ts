import { useCallback, useEffect, useState } from 'react';
import type { RendererEvents } from '../../shared/contract/rendererContract';
import type { QueueEntry, QueueKind } from '../../shared/review/predictions';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

/** How many queue entries the editor keeps: the next one is all it shows, the rest skip the open image. */
const QUEUE_LENGTH = 50;

/**
 * Whether an `images:changed` event can change the queue's next entry for the open image: the
 * editor's autosaves change only the open image, which the next entry never is (and the queue
 * reloads when another image opens), so they cost no ranking query.
 */
export function changesOtherImages({ ids }: RendererEvents['images:changed'], openImageId: number): boolean {
  return !ids || ids.some((id) => id !== openImageId);
}

/**
 * A label-next queue and its first entry other than the open image: `uncertain` (unlabeled and
 * in-progress images, most uncertain first by mean entropy) or `disagreement` (labeled images
 * whose prediction agrees least with their label: likely label mistakes). Refreshed when
 * predictions or labels change.
 */
export function useLabelNextQueue(openImageId: number, kind: QueueKind) {
  const client = useClient();
  const [queue, setQueue] = useState<{ runId: number | null; entries: QueueEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    client.invoke('predictions:queue', { kind, by: 'entropy', limit: QUEUE_LENGTH }).then(
      (q) => {
        setQueue(q);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [client, kind]);
  useEffect(refresh, [refresh, openImageId]);
  useBackendEvent('predictions:done', refresh);
  useBackendEvent('images:changed', (e) => changesOtherImages(e, openImageId) && refresh());

  const next = queue?.entries.find((e) => e.imageId !== openImageId) ?? null;
  const emptyReason =
    error ??
    (queue?.runId === null
      ? 'No trained run yet: train a model, then predict unlabeled images to get a label-next queue.'
      : kind === 'uncertain'
        ? 'No predicted image is left to label: predict the unlabeled images (from the grid) to fill the queue.'
        : 'No labeled image has a prediction to compare with: predict a split (from the grid) to fill this queue.');
  return { next, runId: queue?.runId ?? null, emptyReason };
}
