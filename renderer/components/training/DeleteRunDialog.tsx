import type { RunDeleteImpact } from '../../../shared/contract/rendererContract';
import { formatBytes, plural } from '../../state/displayNames';
import { ConfirmDialog } from '../ConfirmDialog';
import { InlineError } from '../InlineError';

interface Props {
  impact: RunDeleteImpact;
  busy: boolean;
  error: string | null;
  onConfirm(): void;
  onCancel(): void;
}

/** Says what deleting a run frees and loses before it happens. */
export function DeleteRunDialog({ impact, busy, error, onConfirm, onCancel }: Props) {
  return (
    <ConfirmDialog title={`Delete run #${impact.runId}?`} confirmLabel="Delete run" danger busy={busy} onConfirm={onConfirm} onCancel={onCancel}>
      <p data-testid="delete-run-impact">
        Its checkpoints ({formatBytes(impact.checkpointBytes)} on disk), {plural(impact.epochs, 'epoch')} of metrics and{' '}
        {plural(impact.predictions, 'stored prediction')} will be deleted.
      </p>
      <p className="muted">Labels are not touched. This cannot be undone.</p>
      <InlineError message={error} />
    </ConfirmDialog>
  );
}
