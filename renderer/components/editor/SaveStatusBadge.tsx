import type { SaveStatus } from '../../editor/autosave';

const TEXT: Record<SaveStatus['state'], string> = {
  saved: 'Saved',
  pending: 'Unsaved changes',
  saving: 'Saving…',
  error: 'Save failed',
  conflict: 'Not saved: conflict',
};

export function SaveStatusBadge({ status, onRetry }: { status: SaveStatus; onRetry(): void }) {
  return (
    <span className={`save-badge save-${status.state}`} data-testid="save-status" data-state={status.state} data-version={status.version} title={status.message ?? `Mask version ${status.version}`} role="status">
      <span className="save-dot" />
      {TEXT[status.state]}
      {status.state === 'error' && (
        <>
          <span className="save-attempts">({status.attempts} {status.attempts === 1 ? 'try' : 'tries'}, retrying)</span>
          <button className="link-btn" onClick={onRetry} data-testid="save-retry">
            Retry now
          </button>
        </>
      )}
    </span>
  );
}
