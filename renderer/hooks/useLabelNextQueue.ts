import { useCallback, useEffect, useState } from 'react';
import type { QueueEntry } from '../../shared/review/predictions';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

/** How many queue entries the editor keeps: the next one is all it shows, the rest skip the open image. */
const QUEUE_LENGTH = 50;

/**
 * The label-next queue (unlabeled and in-progress images, most uncertain first by mean entropy)
 * and its first entry other than the open image. Refreshed when predictions or labels change.
 */
export function useLabelNextQueue(openImageId: number) {
  const client = useClient();
  const [queue, setQueue] = useState<{ runId: number | null; entries: QueueEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    client.invoke('predictions:queue', { kind: 'uncertain', by: 'entropy', limit: QUEUE_LENGTH }).then(
      (q) => {
        setQueue(q);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [client]);
  useEffect(refresh, [refresh, openImageId]);
  useBackendEvent('predictions:done', refresh);
  useBackendEvent('images:changed', refresh);

  const next = queue?.entries.find((e) => e.imageId !== openImageId) ?? null;
  const emptyReason =
    error ??
    (queue?.runId === null
      ? 'No trained run yet: train a model, then predict unlabeled images to get a label-next queue.'
      : 'No predicted image is left to label: predict the unlabeled images (from the grid) to fill the queue.');
  return { next, runId: queue?.runId ?? null, emptyReason };
}
