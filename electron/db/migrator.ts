import type { Database } from 'better-sqlite3';
import { AppError } from '../../shared/contract/errors';
import { MIGRATIONS, type Migration } from './migrations';

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to `target` (the newest by default). All pending migrations run in one
 * transaction, so a failure leaves the file as it was. A database written by a newer app is refused.
 */
export function migrate(db: Database, migrations: Migration[] = MIGRATIONS, target = migrations.at(-1)?.version ?? 0): number {
  checkOrder(migrations);
  refuseNewer(db, migrations);
  const current = schemaVersion(db);
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return schemaVersion(db);
}

/** Throws NEWER_DATABASE for a file written by a newer app; reads only, so the file stays as it was. */
export function refuseNewer(db: Database, migrations: Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new AppError(
      'NEWER_DATABASE',
      `This project was written by a newer FCN Studio (database version ${current}; this app knows up to ${newest}). Update FCN Studio to open it; the file was not changed.`,
    );
  }
}

function checkOrder(migrations: Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
