import { useCallback, useState } from 'react';
import type { ProjectSummary, Split } from '../../shared/domain/images';
import { ClassPanel } from '../components/ClassPanel';
import { DropZone } from '../components/DropZone';
import { ExportDialog } from '../components/ExportDialog';
import { ImageBrowser } from '../components/ImageBrowser';
import { ImportBar } from '../components/ImportBar';
import { ImportProgressList } from '../components/ImportProgressList';
import { ImportReportPanel } from '../components/ImportReportPanel';
import { InlineError } from '../components/InlineError';
import { ProjectHeader } from '../components/ProjectHeader';
import { StatusSummary } from '../components/StatusSummary';
import { TrainingPanel } from '../components/training/TrainingPanel';
import { ThumbnailContext } from '../hooks/ThumbnailContext';
import { useImportJobs } from '../hooks/useImportJobs';
import { useThumbnailCacheLifetime } from '../hooks/useThumbnailCacheLifetime';
import { errorMessage } from '../state/errorMessage';

export function ProjectScreen({ project, onClose }: { project: ProjectSummary; onClose(): Promise<void> }) {
  const thumbnails = useThumbnailCacheLifetime();
  const imports = useImportJobs();
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [exportOpen, setExportOpen] = useState(false);
  const [trainingOpen, setTrainingOpen] = useState(false);
  const closeTraining = useCallback(() => setTrainingOpen(false), []);
  const { uploadFiles } = imports;
  const upload = useCallback(
    (files: File[], split?: Split) => {
      setUploadError(null);
      uploadFiles(files, split).catch((e) => setUploadError(errorMessage(e)));
    },
    [uploadFiles],
  );

  return (
    <div className="project-screen" data-testid="project-screen">
      <ProjectHeader project={project} onExport={() => setExportOpen(true)} onTrain={() => setTrainingOpen(true)} onClose={onClose} />
      <div className="project-body">
        <aside className="sidebar">
          <StatusSummary />
          <ClassPanel />
        </aside>
        <DropZone onFiles={upload}>
          <main className="main-area">
            <ImportBar onImport={imports.importPaths} onChooseFiles={upload} />
            <InlineError message={uploadError} />
            <ImportProgressList running={imports.running} onCancel={(id) => void imports.cancel(id).catch((e) => setUploadError(errorMessage(e)))} />
            {imports.finished.map((item) => (
              <ImportReportPanel key={item.jobId} item={item} onDismiss={imports.dismiss} />
            ))}
            <ThumbnailContext.Provider value={thumbnails}>
              <ImageBrowser />
            </ThumbnailContext.Provider>
          </main>
        </DropZone>
      </div>
      <TrainingPanel open={trainingOpen} onOpen={() => setTrainingOpen(true)} onClose={closeTraining} />
      {exportOpen && <ExportDialog onClose={() => setExportOpen(false)} />}
    </div>
  );
}
