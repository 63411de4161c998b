import { useState, type FormEvent } from 'react';
import { hexToRgb } from '../../shared/domain/classes';
import { SPLITS, type Split } from '../../shared/domain/images';
import { EXPORT_FORMATS, type ExportFormat, type ExportReport } from '../../shared/domain/interop';
import { useExportJob, type ExportState } from '../hooks/useExportJob';
import { useTrainingRuns } from '../hooks/useTrainingRuns';
import { EXPORT_FORMAT_HELP, EXPORT_FORMAT_NAMES, formatCount, plural, SPLIT_NAMES } from '../state/displayNames';
import { InlineError } from './InlineError';
import { Modal } from './Modal';
import { SkippedFileList } from './SkippedFileList';
import { UnlabeledColorField, UnlabeledValueField } from './UnlabeledFields';

const COLLAPSED_ROWS = 6;

/** Writes the project's masks for other tools; stays open while the export runs so its outcome is seen. */
export function ExportDialog({ onClose }: { onClose(): void }) {
  const job = useExportJob();
  const { state } = job;
  const [format, setFormat] = useState<ExportFormat>('png-index');
  const [outDir, setOutDir] = useState('');
  const [split, setSplit] = useState<Split | ''>('');
  const [onlyDone, setOnlyDone] = useState(false);
  const [force, setForce] = useState(false);
  const [unlabeledValue, setUnlabeledValue] = useState('');
  const [unlabeledColor, setUnlabeledColor] = useState('#000000');
  // '' = the labels; otherwise the run whose stored predictions are written.
  const [source, setSource] = useState('');
  const predictedRuns = (useTrainingRuns().runs ?? []).filter((r) => r.predictions > 0);
  const busy = state.phase === 'starting' || state.phase === 'running';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void job.start({
      format,
      outDir: outDir.trim(),
      split: split || undefined,
      onlyDone,
      force,
      unlabeledValue: format === 'png-gray' && unlabeledValue !== '' ? Number(unlabeledValue) : undefined,
      unlabeledColor: format === 'png-color' ? hexToRgb(unlabeledColor) : undefined,
      predictionsOf: source ? Number(source) : undefined,
    });
  };

  return (
    <Modal title="Export masks" onDismiss={busy ? null : onClose} className="modal-wide" testId="export-dialog">
      {state.phase === 'running' ? (
        <ExportProgressView state={state} onCancel={() => void job.cancel()} />
      ) : state.phase === 'finished' ? (
        <ExportResultView report={state.report} format={format} onAgain={job.reset} onClose={onClose} />
      ) : (
        <form className="export-form" onSubmit={submit}>
          <fieldset className="format-list" disabled={busy}>
            <legend>Format</legend>
            {EXPORT_FORMATS.map((f) => (
              <label key={f} className={f === format ? 'format-option selected' : 'format-option'} data-testid={`export-format-${f}`}>
                <input type="radio" name="export-format" value={f} checked={f === format} onChange={() => setFormat(f)} />
                <span className="format-name">{EXPORT_FORMAT_NAMES[f]}</span>
                <span className="format-help muted">{EXPORT_FORMAT_HELP[f]}</span>
              </label>
            ))}
          </fieldset>

          <label className="field">
            <span>Output folder</span>
            <input
              className="input input-path"
              placeholder="/data/exports/street-scenes"
              value={outDir}
              onChange={(e) => setOutDir(e.target.value)}
              disabled={busy}
              data-testid="export-out-dir"
            />
          </label>

          <div className="export-options">
            <label className="field-inline">
              Masks
              <select className="select" value={source} onChange={(e) => setSource(e.target.value)} disabled={busy} data-testid="export-source">
                <option value="">Labels</option>
                {predictedRuns.map((r) => (
                  <option key={r.id} value={r.id}>
                    Predictions of run #{r.id} ({r.predictions})
                  </option>
                ))}
              </select>
            </label>
            <label className="field-inline">
              Images
              <select className="select" value={split} onChange={(e) => setSplit(e.target.value as Split | '')} disabled={busy} data-testid="export-split">
                <option value="">All splits</option>
                {SPLITS.map((s) => (
                  <option key={s} value={s}>
                    {SPLIT_NAMES[s]} only
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input type="checkbox" checked={onlyDone} onChange={(e) => setOnlyDone(e.target.checked)} disabled={busy} data-testid="export-only-done" />
              Only images marked done
            </label>
            {format === 'png-gray' && <UnlabeledValueField value={unlabeledValue} onChange={setUnlabeledValue} placeholder="255" testId="export-unlabeled-value" />}
            {format === 'png-color' && <UnlabeledColorField value={unlabeledColor} onChange={setUnlabeledColor} testId="export-unlabeled-color" />}
          </div>

          <label className="check export-force">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} disabled={busy} data-testid="export-force" />
            Replace an earlier export in this folder
          </label>

          {state.phase === 'form' && state.error && (
            <InlineError message={state.error.code === 'CONFLICT' && !force ? `${state.error.message}. Tick “Replace an earlier export” to overwrite it.` : state.error.message} />
          )}

          <div className="modal-actions">
            <button type="button" className="btn" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || !outDir.trim()} data-testid="export-submit">
              {state.phase === 'starting' ? 'Starting…' : 'Export'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

function ExportProgressView({ state, onCancel }: { state: Extract<ExportState, { phase: 'running' }>; onCancel(): void }) {
  const fraction = state.total ? state.done / state.total : 0;
  return (
    <div className="export-running" data-testid="export-progress">
      <div className="import-progress-text">
        <strong>{state.cancelling ? 'Cancelling…' : 'Exporting'}</strong>
        <span>{state.total ? `${formatCount(state.done)} of ${formatCount(state.total)} images` : 'preparing…'}</span>
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={state.total} aria-valuenow={state.done}>
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="modal-actions">
        <button className="btn" onClick={onCancel} disabled={state.cancelling} data-testid="export-cancel">
          Cancel export
        </button>
      </div>
    </div>
  );
}

interface ResultProps {
  report: ExportReport;
  format: ExportFormat;
  onAgain(): void;
  onClose(): void;
}

function ExportResultView({ report, format, onAgain, onClose }: ResultProps) {
  const tone = report.cancelled ? 'warn' : report.skipped.length ? 'mixed' : 'ok';
  return (
    <div className="export-result" data-testid="export-result">
      <div className={`import-report report-${tone}`}>
        <strong data-testid="export-summary">
          {report.cancelled ? 'Export cancelled: ' : ''}
          {plural(report.written, 'mask')} written
          {report.skipped.length ? `, ${plural(report.skipped.length, 'image')} skipped` : ''}
        </strong>
        <span className="muted">
          {' '}
          · {EXPORT_FORMAT_NAMES[format]} · {report.seconds.toFixed(1)} s
        </span>
        <div className="export-out">
          <span className="muted">Output folder</span>
          <code className="path-code" title={report.outDir} data-testid="export-out-path">
            {report.outDir}
          </code>
        </div>
        <SkippedFileList
          items={report.skipped.map((s) => ({ path: s.image, message: s.message }))}
          collapsedRows={COLLAPSED_ROWS}
          rowClassName="export-skip-row"
          rowTestId="export-skip-row"
        />
        <SkippedFileList
          items={(report.renamed ?? []).map((r) => ({ path: r.image, message: `written as ${r.name}: ${r.reason}` }))}
          collapsedRows={COLLAPSED_ROWS}
          rowClassName="export-skip-row"
          rowTestId="export-renamed-row"
        />
      </div>
      <div className="modal-actions">
        <button className="btn" onClick={onAgain} data-testid="export-again">
          Export again…
        </button>
        <button className="btn btn-primary" onClick={onClose} autoFocus data-testid="export-close">
          Done
        </button>
      </div>
    </div>
  );
}
