import { useState, type FormEvent } from 'react';
import { useClient } from '../../hooks/ClientContext';
import { errorMessage } from '../../state/errorMessage';
import { InlineError } from '../InlineError';
import { Modal } from '../Modal';

interface Props {
  runId: number;
  onClose(): void;
}

/** The run's best checkpoint as TF.js and ONNX models, as `fcn-studio export --format model` writes them. */
export function ExportModelDialog({ runId, onClose }: Props) {
  const client = useClient();
  const [outDir, setOutDir] = useState('');
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<{ outDir: string; epoch: number } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await client.invoke('runs:exportModel', { runId, outDir, force });
      setWritten(result);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={`Export the model of run #${runId}`} onDismiss={busy ? null : onClose} testId="export-model-dialog">
      <form className="modal-body export-model-form" onSubmit={submit}>
        <p className="muted">
          The best checkpoint as a TF.js graph model (<code>tfjs/</code>) and an ONNX model (<code>onnx/model.onnx</code>), each with
          classes.json and a README of the preprocessing.
        </p>
        <label className="field">
          <span>Output folder (on the machine running the studio)</span>
          <input className="input" value={outDir} onChange={(e) => setOutDir(e.target.value)} placeholder="/path/to/model-export" data-testid="export-model-dir" />
        </label>
        <label className="check">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Replace an earlier model export in that folder
        </label>
        {written && (
          <p className="training-notice" data-testid="export-model-done">
            Wrote epoch {written.epoch}&apos;s model to {written.outDir}.
          </p>
        )}
        <InlineError message={error} />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            {written ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || outDir.trim() === ''} data-testid="export-model-start">
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
