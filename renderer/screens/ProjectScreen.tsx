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
import { EditorScreen } from './EditorScreen';

export function ProjectScreen({ project, onClose }: { project: ProjectSummary; onClose(): Promise<void> }) {
  const thumbnails = useThumbnailCacheLifetime();
  const imports = useImportJobs();
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [exportOpen, setExportOpen] = useState(false);
  // The grid stays mounted (hidden) while the editor is open, so its filters and scroll survive.
  const [editing, setEditing] = useState<{ id: number; order: number[] } | null>(null);
  const openImage = useCallback((id: number, order: number[]) => setEditing({ id, order }), []);
  const [trainingOpen, setTrainingOpen] = useState(false);
  // The grid's selection, for the run rows' Predict (the grid owns it; this is a copy).
  const [selectedIds, setSelectedIds] = useState<readonly number[]>([]);
  const openTraining = useCallback(() => setTrainingOpen(true), []);
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
    <>
    {editing && (
      <EditorScreen
        projectKey={project.path}
        imageId={editing.id}
        order={editing.order}
        onNavigate={(id) => setEditing({ ...editing, id })}
        onClose={() => setEditing(null)}
        onOpenTraining={openTraining}
      />
    )}
    <div className="project-screen" data-testid="project-screen" style={editing ? { display: 'none' } : undefined}>
      <ProjectHeader project={project} onExport={() => setExportOpen(true)} onTrain={openTraining} onClose={onClose} />
      <div className="project-body">
        <aside className="sidebar">
          <StatusSummary />
          <ClassPanel />
        </aside>
        <DropZone onFiles={upload}>
          <main className="main-area">
            <ImportBar ignoreIndex={project.ignoreIndex} onImport={imports.importPaths} onChooseFiles={upload} />
            <InlineError message={uploadError} />
            <ImportProgressList running={imports.running} onCancel={(id) => void imports.cancel(id).catch((e) => setUploadError(errorMessage(e)))} />
            {imports.finished.map((item) => (
              <ImportReportPanel key={item.jobId} item={item} onDismiss={imports.dismiss} />
            ))}
            <ThumbnailContext.Provider value={thumbnails}>
              <ImageBrowser onOpenImage={openImage} onSelectionChange={setSelectedIds} hidden={editing !== null} />
            </ThumbnailContext.Provider>
          </main>
        </DropZone>
      </div>
      {exportOpen && <ExportDialog onClose={() => setExportOpen(false)} />}
    </div>
    {/* Outside the grid's screen: the drawer (and a run's pill) also shows over the editor, where a run row can predict the open image. */}
    <TrainingPanel
      open={trainingOpen}
      predictionScope={{ openImageId: editing?.id ?? null, selectedIds }}
      onOpen={openTraining}
      onClose={closeTraining}
    />
    </>
  );
}
