import type { RecentProject } from '../state/recentProjects';

interface Props {
  recent: RecentProject[];
  disabled: boolean;
  onOpen(path: string): void;
  onForget(path: string): void;
}

export function RecentProjectList({ recent, disabled, onOpen, onForget }: Props) {
  if (!recent.length) return null;
  return (
    <div className="recent">
      <h3>Recent</h3>
      <ul data-testid="recent-projects">
        {recent.map((p) => (
          <li key={p.path} className="recent-row">
            <button type="button" className="recent-open" onClick={() => onOpen(p.path)} disabled={disabled} title={p.path} data-testid="recent-project">
              <span className="recent-name">{p.name}</span>
              <span className="recent-path">{p.path}</span>
            </button>
            <button type="button" className="icon-btn" onClick={() => onForget(p.path)} aria-label={`Remove ${p.name} from recent projects`}>
              ✕
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
