import type { TrainingProgress } from '../../hooks/useTrainingJob';

/** The engine's own whole-run figures, where the ML process reports them (time budgets included). */
interface EngineRunFigures {
  runFraction?: number;
  runEtaSeconds?: number | null;
}

export interface RunPlan {
  /** Epochs asked for; null when only minutes were. */
  epochs: number | null;
  maxMinutes: number | null;
}

export interface WholeRunProgress {
  /** 0..1 of the whole run; null while unknown. */
  fraction: number | null;
  /** Seconds until the whole run ends at the current speed (epochs or minutes, whichever first); null while unknown. */
  etaSeconds: number | null;
}

/** Seconds an epoch takes: the mean of the last three finished, else the current one's pace. */
function epochSecondsEstimate(progress: TrainingProgress, finishedEpochSeconds: number[]): number | null {
  const recent = finishedEpochSeconds.slice(-3);
  if (recent.length) return recent.reduce((a, b) => a + b, 0) / recent.length;
  const { step, stepsPerEpoch, etaSeconds } = progress;
  if (stepsPerEpoch === null || etaSeconds === null || step <= 0 || step >= stepsPerEpoch) return null;
  return (etaSeconds / (stepsPerEpoch - step)) * stepsPerEpoch;
}

/**
 * Where the whole run stands, not the current epoch: the bar and ETA a user plans around. The
 * engine's figures win where it sends them; otherwise they follow from the epoch plan, and a
 * time budget caps the ETA by the minutes left since this window saw the job start.
 */
export function wholeRunProgress(
  progress: TrainingProgress & EngineRunFigures,
  plan: RunPlan,
  finishedEpochSeconds: number[],
  secondsSinceStart: number | null,
): WholeRunProgress {
  if (progress.runFraction !== undefined) return { fraction: progress.runFraction, etaSeconds: progress.runEtaSeconds ?? null };
  const inEpoch = progress.stepsPerEpoch ? Math.min(1, progress.step / progress.stepsPerEpoch) : 0;
  const byEpochs = plan.epochs === null ? null : Math.min(1, (progress.epoch - 1 + inEpoch) / plan.epochs);
  const budget = plan.maxMinutes === null ? null : plan.maxMinutes * 60;
  const byTime = budget === null || secondsSinceStart === null ? null : Math.min(1, secondsSinceStart / budget);
  const fraction = byEpochs === null && byTime === null ? null : Math.max(byEpochs ?? 0, byTime ?? 0);

  const perEpoch = epochSecondsEstimate(progress, finishedEpochSeconds);
  const etaByEpochs =
    plan.epochs === null || progress.etaSeconds === null || perEpoch === null ? null : progress.etaSeconds + Math.max(0, plan.epochs - progress.epoch) * perEpoch;
  const etaByTime = budget === null || secondsSinceStart === null ? null : Math.max(0, budget - secondsSinceStart);
  const etaSeconds = etaByEpochs === null ? etaByTime : etaByTime === null ? etaByEpochs : Math.min(etaByEpochs, etaByTime);
  return { fraction, etaSeconds };
}
