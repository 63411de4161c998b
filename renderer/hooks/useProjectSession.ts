import { useCallback, useEffect, useState } from 'react';
import type { ProjectSummary } from '../../shared/domain/images';
import type { ClassPreset } from '../../shared/domain/presets';
import { errorMessage } from '../state/errorMessage';
import { forgetProject, readRecentProjects, rememberProject, type RecentProject } from '../state/recentProjects';
import { useClient } from './ClientContext';

export interface ProjectSession {
  /** undefined while the backend has not answered yet. */
  project: ProjectSummary | null | undefined;
  loadError: string | null;
  recent: RecentProject[];
  create(path: string, preset: ClassPreset): Promise<void>;
  open(path: string): Promise<void>;
  close(): Promise<void>;
  forget(path: string): void;
}

/** Which project is open, and the actions that change it. Failures reject with the backend's message. */
export function useProjectSession(): ProjectSession {
  const client = useClient();
  const [project, setProject] = useState<ProjectSummary | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [recent, setRecent] = useState<RecentProject[]>(readRecentProjects);

  useEffect(() => {
    client.invoke('app:info', {}).then(
      (info) => {
        setProject(info.project);
        if (info.project) setRecent(rememberProject(info.project.path, info.project.name));
      },
      (e) => {
        setLoadError(errorMessage(e));
        setProject(null);
      },
    );
  }, [client]);

  const opened = useCallback((summary: ProjectSummary) => {
    setRecent(rememberProject(summary.path, summary.name));
    setProject(summary);
  }, []);

  return {
    project,
    loadError,
    recent,
    create: useCallback(async (path, preset) => opened(await client.invoke('project:create', { path, preset })), [client, opened]),
    open: useCallback(async (path) => opened(await client.invoke('project:open', { path })), [client, opened]),
    close: useCallback(async () => {
      await client.invoke('project:close', {});
      setProject(null);
    }, [client]),
    forget: useCallback((path: string) => setRecent(forgetProject(path)), []),
  };
}
