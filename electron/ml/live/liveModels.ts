import type * as tfTypes from '@tensorflow/tfjs-core';
import type { FcnModel } from '../engine';


/** A model Live trains, with its optimiser and what it started from. */
export interface TrainedModel {
  model: FcnModel;
  optimizer: tfTypes.Optimizer;
  /** When it started (ms, performance.now()). */
  startedAt: number;
  /** Labeled train pixels when it started. */
  startPixels: number;
  /** Its mean IU at its last validation (null: not validated, or no labeled val image). */
  valMeanIoU: number | null;
  /** Image id → the newest label version it has trained on (what its predictions say they reflect). */
  trained: Map<number, number>;
}

/**
 * The models of a live job: the one being trained and, while Live consolidates, the previous one,
 * which keeps the overlay until the fresh one (started on all the labels once they stopped
 * changing) validates at least as well, or has trained as long as the previous one had.
 */
export class LiveModels {
  /** The previous model while a consolidation runs; null otherwise. */
  private previous: TrainedModel | null = null;

  constructor(public current: TrainedModel) {}

  /** The model whose predictions the overlay shows. */
  get overlay(): TrainedModel {
    return this.previous ?? this.current;
  }

  get consolidating(): boolean {
    return this.previous !== null;
  }

  /** Replaces the current model by `fresh` (the old one disposed). */
  restart(fresh: TrainedModel): void {
    this.dispose(this.current);
    this.current = fresh;
  }

  /** Trains `fresh` from now on while the current model, frozen, keeps the overlay. */
  consolidate(fresh: TrainedModel): void {
    if (this.previous) this.dispose(this.previous);
    this.previous = this.current;
    this.current = fresh;
  }

  /** Labels changed before the fresh model caught up: it is dropped and the previous one trains on. */
  abandon(): void {
    if (!this.previous) return;
    this.dispose(this.current);
    this.current = this.previous;
    this.previous = null;
  }

  /**
   * Whether the fresh model should take the overlay now: it validated at least as well as the
   * previous one did (`valMeanIoU`, just measured; null when not measured), or it has trained as
   * long as the previous one had before the consolidation began (at most `maxMs`).
   */
  readyToHandOver(valMeanIoU: number | null, now: number, maxMs: number): boolean {
    const previous = this.previous;
    if (!previous) return false;
    if (valMeanIoU !== null && previous.valMeanIoU !== null && valMeanIoU >= previous.valMeanIoU) return true;
    const previousAge = this.current.startedAt - previous.startedAt;
    return now - this.current.startedAt >= Math.min(previousAge, maxMs);
  }

  /** The fresh model takes the overlay; the previous one is disposed. */
  handOver(): void {
    if (!this.previous) return;
    this.dispose(this.previous);
    this.previous = null;
  }

  disposeAll(): void {
    if (this.previous) this.dispose(this.previous);
    this.dispose(this.current);
    this.previous = null;
  }

  private dispose(m: TrainedModel): void {
    m.model.dispose();
    m.optimizer.dispose();
  }
}
