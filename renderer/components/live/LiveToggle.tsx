import { useEffect, useState } from 'react';
import type { LiveStatus } from '../../../shared/domain/live';
import type { Live } from '../../hooks/useLive';
import { useLivePainting } from './useLivePainting';
import './live.css';

/** "12 s ago", "3 min ago": how old the live model's last round is. */
function age(since: number, now: number): string {
  const s = Math.max(0, Math.round((now - since) / 1000));
  return s < 90 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

const CONSOLIDATING_HINT =
  'Your labels have rested, so Live is training a fresh model on all of them from the start. The overlay and val mean IU are the previous model’s until the fresh one validates as well; a new stroke cancels it.';

function describe(status: LiveStatus, now: number): string {
  switch (status.state) {
    case 'off':
      return 'Off';
    case 'starting':
      return 'Starting…';
    case 'paused':
      return 'Paused while a training run uses the ML process';
    case 'failed':
      return status.error ?? 'Stopped by an error';
    case 'waiting':
      return 'Waiting for labels in the train split';
    case 'training': {
      const parts = [`${status.trainImages} image${status.trainImages === 1 ? '' : 's'}, ${status.labeledPixels.toLocaleString()} labeled px`];
      if (status.lastRoundAt !== null) parts.push(`updated ${age(status.lastRoundAt, now)}`);
      parts.push(status.valMeanIoU === null ? (status.valImages ? 'val mean IU soon' : 'no labeled val images') : `val mean IU ${status.valMeanIoU.toFixed(3)}`);
      // The figures above stay the previous model's until the fresh one takes over.
      if (status.consolidatingSince !== null) parts.push(`retraining on all labels since ${age(status.consolidatingSince, now)}`);
      return parts.join(' · ');
    }
  }
}

/**
 * The editor's Live toggle and one status line: what the live model has learned from and how good
 * it is. The prediction itself is drawn by the editor's prediction layer (useLivePredictionLayer).
 */
export function LiveToggle({ live }: { live: Live }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const { status } = live;
  const on = status !== null && status.state !== 'off' && status.state !== 'failed';
  useLivePainting(on);
  return (
    <div
      className="live-toggle"
      data-testid="live"
      data-state={status?.state ?? 'unknown'}
      // The open image's newest live prediction: its round and the label version it has trained on.
      data-round={live.prediction?.round ?? ''}
      data-trained-version={live.prediction?.trainedVersion ?? ''}
    >
      <button
        className={`btn${on ? ' btn-active' : ''}`}
        onClick={live.toggle}
        aria-pressed={on}
        disabled={status === null}
        title="Live: the model keeps training on your labels while you paint, and its prediction of this image refreshes after every round"
        data-testid="live-toggle"
      >
        <span className={`live-dot${on ? ' live-dot-on' : ''}`} aria-hidden /> Live
      </button>
      {status && status.state !== 'off' && (
        <span
          className={`live-status${status.state === 'failed' ? ' live-status-error' : ''}`}
          data-testid="live-status"
          data-consolidating={status.consolidatingSince !== null}
          title={[status.runId ? `Run ${status.runId}, round ${status.round}` : '', status.consolidatingSince !== null ? CONSOLIDATING_HINT : ''].filter(Boolean).join('\n') || undefined}
        >
          {describe(status, now)}
        </span>
      )}
      {live.error && (
        <span className="live-status live-status-error" role="alert">
          {live.error}
        </span>
      )}
    </div>
  );
}
