import { useCallback, useEffect, useRef, useState } from 'react';
import type { LivePrediction, LiveStatus } from '../../shared/domain/live';
import type { EditorSession } from '../editor/session';
import { errorMessage } from '../state/errorMessage';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

export interface Live {
  status: LiveStatus | null;
  /** The newest live prediction of the open image (null until one arrives, or after Live is off). */
  prediction: LivePrediction | null;
  error: string | null;
  toggle(): void;
}

/**
 * Live training as the editor sees it: the backend's status, the open image's prediction after
 * each round, and the toggle (remembered per project by the backend). Tells the backend which
 * image is open, so each round predicts it.
 */
export function useLive(imageId: number): Live {
  const client = useClient();
  const [status, setStatus] = useState<LiveStatus | null>(null);
  const [prediction, setPrediction] = useState<LivePrediction | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.invoke('live:status', {}).then(setStatus, (e) => setError(errorMessage(e)));
  }, [client]);
  useEffect(() => {
    client.invoke('live:focus', { imageId }).catch(() => {
      // No ML process in this mode: the toggle says so when pressed.
    });
  }, [client, imageId]);
  useBackendEvent('live:status', setStatus);
  useBackendEvent('live:prediction', (p) => {
    if (p.imageId === imageId) setPrediction(p);
  });

  const on = status !== null && status.state !== 'off' && status.state !== 'failed';
  const toggle = useCallback(() => {
    setError(null);
    const request = on ? client.invoke('live:stop', {}) : client.invoke('live:start', { imageId });
    request.then(setStatus, (e) => setError(errorMessage(e)));
  }, [client, on, imageId]);

  // A prediction of the image left behind is never drawn over the next one.
  const current = status?.state !== 'off' && prediction?.imageId === imageId ? prediction : null;
  return { status, prediction: current, error, toggle };
}

/**
 * Shows the live prediction in the editor's prediction layer (the one stored predictions use: its
 * views, opacity, accept and the legend's predicted counts apply to it). When Live stops, the
 * image's stored prediction, if any, comes back.
 */
export function useLivePredictionLayer(session: EditorSession | null, prediction: LivePrediction | null): void {
  const shown = useRef<EditorSession | null>(null);
  useEffect(() => {
    if (!session) return;
    if (prediction && prediction.imageId === session.imageId) {
      const { runId, imageId, mask, confidence, meanEntropy } = prediction;
      session.editor.setPrediction({
        summary: { runId, imageId, meanEntropy, meanMargin: null, iou: null, agreement: null, createdAt: new Date().toISOString() },
        values: mask,
        confidence,
      });
      shown.current = session;
    } else if (!prediction && shown.current === session) {
      shown.current = null;
      void session.loadPrediction().catch(() => {});
    }
  }, [session, prediction]);
}
