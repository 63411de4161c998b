import { useState } from 'react';
import type { ProjectSummary } from '../../shared/domain/images';
import { useMlStatus } from '../hooks/useMlStatus';
import { errorMessage } from '../state/errorMessage';
import { MlStatusBadge } from './MlStatusBadge';

interface Props {
  project: ProjectSummary;
  onExport(): void;
  onTrain(): void;
  onClose(): Promise<void>;
}

export function ProjectHeader({ project, onExport, onTrain, onClose }: Props) {
  const ml = useMlStatus();
  const [closeError, setCloseError] = useState<string | null>(null);
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
        {closeError && (
          <span className="header-error" role="alert">
            {closeError}
          </span>
        )}
        <MlStatusBadge status={ml} />
        <button className="btn" onClick={onTrain} title="Train an FCN on the labeled train split" data-testid="training-open">
          Train…
        </button>
        <button className="btn" onClick={onExport} title="Write masks for other tools (VOC, COCO, PNG)" data-testid="export-open">
          Export…
        </button>
        <button className="btn btn-ghost" onClick={() => onClose().catch((e) => setCloseError(errorMessage(e)))} data-testid="close-project">
          Close project
        </button>
      </div>
    </header>
  );
}
