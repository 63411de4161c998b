import type { MlStatus } from '../../shared/contract/rendererContract';

const STATE_TEXT: Record<MlStatus['state'], string> = {
  starting: 'ML starting',
  ready: 'ML ready',
  restarting: 'ML restarting',
  stopped: 'ML stopped',
};

export function MlStatusBadge({ status }: { status: MlStatus | null }) {
  const state = status?.state ?? 'stopped';
  const details = status
    ? [`pid ${status.pid ?? '—'}`, `${status.restarts} restart${status.restarts === 1 ? '' : 's'}`, status.lastError && `last error: ${status.lastError}`]
        .filter(Boolean)
        .join(' · ')
    : 'ML process status unknown';
  return (
    <span className={`ml-badge ml-${state}`} title={details} data-testid="ml-status" data-state={state}>
      <span className="ml-dot" aria-hidden />
      {status ? STATE_TEXT[state] : 'ML unknown'}
    </span>
  );
}
