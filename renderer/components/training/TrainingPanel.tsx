import { useEffect, useMemo, useState } from 'react';
import { useTrainingJob } from '../../hooks/useTrainingJob';
import { useTrainingRuns } from '../../hooks/useTrainingRuns';
import { InlineError } from '../InlineError';
import { RunList } from './RunList';
import { TrainingChart, type ChartEpoch } from './TrainingChart';
import { readTrainingDraft, saveTrainingDraft } from '../../state/trainingDraft';
import { TrainingForm, type TrainingDraft } from './TrainingForm';
import { TrainingProgressCard } from './TrainingProgressCard';
import { plannedEpochs, STOPPED_BY_NAMES } from './trainingNames';

interface Props {
  open: boolean;
  onOpen(): void;
  onClose(): void;
}

/**
 * The training drawer. It stays mounted while hidden so a run keeps reporting (and can be
 * cancelled) after the drawer is closed; a small pill shows the run meanwhile.
 */
export function TrainingPanel({ open, onOpen, onClose }: Props) {
  const job = useTrainingJob();
  const { runs, error: listError } = useTrainingRuns();
  const { state } = job;
  const [selectedId, setSelectedId] = useState<number | null>(null);
  // The form as last left, even across reloads.
  const [draft, setDraft] = useState<TrainingDraft>(readTrainingDraft);
  useEffect(() => saveTrainingDraft(draft), [draft]);
  const active = state.phase === 'starting' || state.phase === 'running';
  const liveRunId = state.phase === 'running' ? state.runId : null;
  const liveRun = runs?.find((r) => r.id === liveRunId);
  const shownId = selectedId ?? liveRunId ?? runs?.[0]?.id ?? null;
  const shownRun = runs?.find((r) => r.id === shownId);

  const chartEpochs = useMemo<ChartEpoch[]>(() => {
    const stored: ChartEpoch[] = shownRun?.epochs ?? [];
    if (state.phase !== 'running' || shownId !== state.runId) return stored;
    // Live epochs arrive before the list reloads; the stored ones cover a resumed run's earlier epochs.
    const byEpoch = new Map(stored.map((e) => [e.epoch, e]));
    for (const e of state.epochs) byEpoch.set(e.epoch, e);
    return [...byEpoch.values()];
  }, [shownRun, shownId, state]);

  // A run this window is not tracking (started before a reload, or in another window) is followed
  // as if started here: live progress, Cancel, its end.
  const { follow } = job;
  useEffect(() => {
    if (state.phase !== 'idle') return;
    const elsewhere = runs?.find((r) => r.status === 'running' && r.jobId !== null);
    if (elsewhere) follow(elsewhere);
  }, [runs, state.phase, follow]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose]);

  const start: typeof job.start = (request) => {
    setSelectedId(null);
    return job.start(request);
  };

  if (!open) {
    if (state.phase !== 'running') return null;
    const planned = plannedEpochs(liveRun);
    return (
      <button className="training-pill" onClick={onOpen} data-testid="training-pill">
        <span className="live-dot" aria-hidden />
        Training{state.progress ? ` · epoch ${state.progress.epoch}${planned ? ` of ${planned}` : ''}` : '…'}
      </button>
    );
  }

  return (
    <aside className="training-panel" aria-label="Training" data-testid="training-panel">
      <div className="training-panel-head">
        <h2>Training</h2>
        <button className="icon-btn" onClick={onClose} title="Close (Esc)" aria-label="Close training" data-testid="training-close">
          ×
        </button>
      </div>
      <div className="training-panel-body">
        <section className="training-section">
          <h3>{state.phase === 'running' ? 'Current run' : 'New run'}</h3>
          {state.phase === 'running' ? (
            <TrainingProgressCard
              runId={state.runId}
              progress={state.progress}
              download={state.download}
              plannedEpochs={plannedEpochs(liveRun)}
              cancelling={state.cancelling}
              onCancel={() => void job.cancel()}
            />
          ) : (
            <>
              <TrainingForm draft={draft} onChange={setDraft} busy={state.phase === 'starting'} onStart={(request) => void start(request)} />
              {state.phase === 'idle' && state.finished && !state.error && (
                <p className={state.finished.stoppedBy === 'epochs' ? 'training-notice' : 'training-notice notice-warn'} data-testid="training-finished">
                  {state.finished.runId === null
                    ? 'Cancelled before the run started.'
                    : `Run #${state.finished.runId} stopped: ${STOPPED_BY_NAMES[state.finished.stoppedBy ?? ''] ?? state.finished.stoppedBy}.`}
                </p>
              )}
              {state.phase === 'idle' && <InlineError message={state.error} />}
            </>
          )}
        </section>

        <section className="training-section">
          <h3>
            Curves{shownId !== null && <span className="muted"> · run #{shownId}</span>}
          </h3>
          <TrainingChart epochs={chartEpochs} />
        </section>

        <section className="training-section">
          <h3>Runs</h3>
          <InlineError message={listError} />
          {runs && (
            <RunList
              runs={runs}
              selectedId={shownId}
              canResume={!active}
              onSelect={setSelectedId}
              onResume={(id) => void start({ resume: String(id) })}
            />
          )}
        </section>
      </div>
    </aside>
  );
}
