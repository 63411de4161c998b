import type { Db } from '../connection';

export function projectMetaRepository(db: Db) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM project_meta WHERE key = ?');
  const set = db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    get(key: string): string | null {
      return get.get(key)?.value ?? null;
    },
    set(key: string, value: string): void {
      set.run(key, value);
    },
  };
}
export type ProjectMetaRepository = ReturnType<typeof projectMetaRepository>;
