import { useEffect, useMemo, useState } from 'react';
import type { RunDeleteImpact } from '../../../shared/contract/rendererContract';
import { useClasses } from '../../hooks/useClasses';
import { useClient } from '../../hooks/ClientContext';
import { useTrainingData } from '../../hooks/useTrainingData';
import { useTrainingEvaluation } from '../../hooks/useTrainingEvaluation';
import { useTrainingJob } from '../../hooks/useTrainingJob';
import { useTrainingPredictions } from '../../hooks/useTrainingPredictions';
import { useTrainingRuns } from '../../hooks/useTrainingRuns';
import { errorMessage } from '../../state/errorMessage';
import type { PredictionScope } from '../../state/predictionTargets';
import { InlineError } from '../InlineError';
import { DeleteRunDialog } from './DeleteRunDialog';
import { ExportModelDialog } from './ExportModelDialog';
import { RunCompareChart } from './RunCompareChart';
import { RunDetail } from './RunDetail';
import { RunList } from './RunList';
import { TrainingChart, type ChartEpoch } from './TrainingChart';
import { readTrainingDraft, saveTrainingDraft } from '../../state/trainingDraft';
import { draftEpochs, draftNumber, TrainingForm, type TrainingDraft } from './TrainingForm';
import { describeTrainingData, estimateRun } from './trainingEstimate';
import { TrainingProgressCard } from './TrainingProgressCard';
import { plannedEpochs, plannedMinutes, STOPPED_BY_NAMES } from './trainingNames';

interface Props {
  open: boolean;
  /** The open image and the grid's selection: what a run row can predict besides unlabeled images and splits. */
  predictionScope: PredictionScope;
  onOpen(): void;
  onClose(): void;
}

/**
 * The training drawer. It stays mounted while hidden so a run keeps reporting (and can be
 * cancelled) after the drawer is closed; a small pill shows the run meanwhile.
 */
export function TrainingPanel({ open, predictionScope, onOpen, onClose }: Props) {
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
  const client = useClient();
  const trainingData = useTrainingData();
  const estimate =
    trainingData &&
    runs &&
    estimateRun({ head: draft.head, backbone: draft.backbone, epochs: draftEpochs(draft), maxMinutes: draftNumber(draft.maxMinutes) }, trainingData, runs);
  const { classes } = useClasses();
  const evaluation = useTrainingEvaluation(shownId);
  const prediction = useTrainingPredictions();
  const [comparedIds, setComparedIds] = useState<number[]>([]);
  const comparedRuns = comparedIds.map((id) => runs?.find((r) => r.id === id)).filter((r) => r !== undefined);
  const [exportingId, setExportingId] = useState<number | null>(null);
  const [deletion, setDeletion] = useState<{ impact: RunDeleteImpact; busy: boolean; error: string | null } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const toggleCompare = (id: number) => setComparedIds((ids) => (ids.includes(id) ? ids.filter((i) => i !== id) : [...ids, id]));
  const askDelete = async (runId: number) => {
    setActionError(null);
    try {
      setDeletion({ impact: await client.invoke('runs:deleteImpact', { runId }), busy: false, error: null });
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };
  const confirmDelete = async () => {
    if (!deletion) return;
    const { runId } = deletion.impact;
    setDeletion({ ...deletion, busy: true, error: null });
    try {
      await client.invoke('runs:delete', { runId });
      setDeletion(null);
      setComparedIds((ids) => ids.filter((i) => i !== runId));
      if (selectedId === runId) setSelectedId(null);
    } catch (err) {
      setDeletion({ ...deletion, busy: false, error: errorMessage(err) });
    }
  };
  const evaluateRun = (runId: number) => {
    setSelectedId(runId);
    void evaluation.evaluate(runId);
  };

  // Live epochs arrive before the list reloads; the stored ones cover a resumed run's earlier epochs.
  const liveEpochs = useMemo<ChartEpoch[]>(() => {
    if (state.phase !== 'running') return [];
    const byEpoch = new Map<number, ChartEpoch>((liveRun?.epochs ?? []).map((e) => [e.epoch, e]));
    for (const e of state.epochs) byEpoch.set(e.epoch, e);
    return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  }, [liveRun, state]);
  const chartEpochs = state.phase === 'running' && shownId === state.runId ? liveEpochs : (shownRun?.epochs ?? []);

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
    // Escape in a dialog closes the dialog, not the drawer under it.
    const dialogOpen = deletion !== null || exportingId !== null;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !dialogOpen && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose, deletion, exportingId]);

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
              maxMinutes={plannedMinutes(liveRun)}
              cancelling={state.cancelling}
              onCancel={() => void job.cancel()}
            />
          ) : (
            <>
              <TrainingForm draft={draft} onChange={setDraft} busy={state.phase === 'starting'} onStart={(request) => void start(request)}>
                {trainingData && (
                  <div className="training-plan" data-testid="training-plan">
                    <p className={trainingData.train.labeled === 0 ? 'warn-text' : undefined} data-testid="training-data">
                      {describeTrainingData(trainingData)}
                    </p>
                    {estimate && (
                      <p className="muted" data-testid="training-estimate">
                        {estimate}
                      </p>
                    )}
                  </div>
                )}
              </TrainingForm>
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
          {shownRun && classes && (
            <RunDetail
              run={shownRun}
              classes={classes}
              evaluation={evaluation.evaluation}
              evaluating={evaluation.evaluatingId === shownRun.id}
              error={evaluation.error}
              canEvaluate={evaluation.evaluatingId === null}
              onEvaluate={() => evaluateRun(shownRun.id)}
            />
          )}
        </section>

        <section className="training-section" data-testid="compare-section">
          <h3>
            Compare<span className="muted"> · val mean IU</span>
          </h3>
          {comparedRuns.length >= 2 ? (
            <RunCompareChart runs={comparedRuns} />
          ) : (
            <p className="muted field-hint" data-testid="compare-hint">
              Tick two or more runs below to compare their validation mean IU on one chart.
            </p>
          )}
        </section>

        <section className="training-section">
          <h3>Runs</h3>
          <InlineError message={listError ?? actionError} />
          {runs && (
            <RunList
              runs={runs}
              selectedId={shownId}
              comparedIds={comparedIds}
              canResume={!active}
              onSelect={setSelectedId}
              onToggleCompare={toggleCompare}
              onResume={(id) => void start({ resume: String(id) })}
              onEvaluate={evaluateRun}
              onExport={setExportingId}
              onDelete={(id) => void askDelete(id)}
              predictions={prediction.byRun}
              predictionScope={predictionScope}
              onPredict={(id, target) => void prediction.start(id, target)}
              onCancelPrediction={prediction.cancel}
            />
          )}
        </section>
      </div>
      {deletion && (
        <DeleteRunDialog
          impact={deletion.impact}
          busy={deletion.busy}
          error={deletion.error}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setDeletion(null)}
        />
      )}
      {exportingId !== null && <ExportModelDialog runId={exportingId} onClose={() => setExportingId(null)} />}
    </aside>
  );
}
