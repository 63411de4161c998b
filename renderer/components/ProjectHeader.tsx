import type { ProjectSummary } from '../../shared/domain/images';
import { useMlStatus } from '../hooks/useMlStatus';
import { MlStatusBadge } from './MlStatusBadge';

export function ProjectHeader({ project, onClose }: { project: ProjectSummary; onClose(): void }) {
  const ml = useMlStatus();
  return (
    <header className="app-header">
      <div className="brand" aria-hidden>
        <span className="brand-mark" />
        FCN Studio
      </div>
      <div className="header-project">
        <span className="header-name" data-testid="project-name">
          {project.name}
        </span>
        <span className="header-path" title={project.path} data-testid="project-path">
          {project.path}
        </span>
      </div>
      <div className="header-actions">
        <MlStatusBadge status={ml} />
        <button className="btn btn-ghost" onClick={onClose} data-testid="close-project">
          Close project
        </button>
      </div>
    </header>
  );
}
