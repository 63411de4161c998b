const KEY = 'fcnStudio.recentProjects';
const LIMIT = 8;

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
}

export function readRecentProjects(): RecentProject[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as RecentProject[]).filter((p) => typeof p?.path === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberProject(path: string, name: string): RecentProject[] {
  const next = [{ path, name, openedAt: new Date().toISOString() }, ...readRecentProjects().filter((p) => p.path !== path)].slice(0, LIMIT);
  localStorage.setItem(KEY, JSON.stringify(next));
  return next;
}

export function forgetProject(path: string): RecentProject[] {
  const next = readRecentProjects().filter((p) => p.path !== path);
  localStorage.setItem(KEY, JSON.stringify(next));
  return next;
}
