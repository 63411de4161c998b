/** Live training (issue 12): what the editor's Live toggle and status line show. */

export const LIVE_STATES = ['off', 'starting', 'waiting', 'training', 'paused', 'failed'] as const;
/**
 * `waiting`: on, but no labeled pixel in the train split yet; `paused`: an explicit training run
 * has the ML process, Live resumes after it; `failed`: stopped by an error (in `error`).
 */
export type LiveState = (typeof LIVE_STATES)[number];

export interface LiveStatus {
  state: LiveState;
  /** The run Live trains (a run like any other: history, checkpoints, predictions). */
  runId: number | null;
  round: number;
  /** Train images with labeled pixels, and those pixels, the model has learned from. */
  trainImages: number;
  labeledPixels: number;
  /** When the last round ended (ms since the epoch); null before the first. */
  lastRoundAt: number | null;
  /** Mean IU on the labeled val images (held out, never trained on); null until measured or without val labels. */
  valMeanIoU: number | null;
  valImages: number;
  /**
   * When Live began training a fresh model on all the labels (ms since the epoch; see
   * LIVE_CONSOLIDATE_SECONDS) while the overlay and val mean IU stay the previous model's; null otherwise.
   */
  consolidatingSince: number | null;
  error: string | null;
}

/** The open image's prediction after a live round (full resolution, project class values). */
export interface LivePrediction {
  runId: number;
  round: number;
  imageId: number;
  /** The newest label version of this image the model has trained on (null: none of its labels yet). */
  trainedVersion: number | null;
  width: number;
  height: number;
  mask: Uint8Array;
  confidence: Uint8Array;
  /** Mean per-pixel softmax entropy (nats). */
  meanEntropy: number;
  /** Mean per-pixel margin between the two most probable classes (0..1; small = unsure). */
  meanMargin: number;
}

/**
 * Seconds without a change to the train labels after which Live trains a fresh model on all of
 * them (when the current one began on fewer), keeping the previous model's overlay until the fresh
 * one validates as well: the model a user keeps is then one trained on every label from the start,
 * as `train` would train it, not one warm-started on the first strokes.
 */
export const LIVE_CONSOLIDATE_SECONDS = 30;

export const LIVE_OFF: LiveStatus = {
  state: 'off',
  runId: null,
  round: 0,
  trainImages: 0,
  labeledPixels: 0,
  lastRoundAt: null,
  valMeanIoU: null,
  valImages: 0,
  consolidatingSince: null,
  error: null,
};
