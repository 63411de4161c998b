import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { migrate, refuseNewer } from './migrator';

export type Db = Database.Database;

/** How long a statement waits for another process (a second server, a CLI run) to finish writing. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if asked) a project database: WAL, foreign keys on, migrated to the newest schema.
 * An existing file is checked first (not empty, not damaged, not from a newer app) and left byte for
 * byte as it was when refused.
 */
export function openDatabase(file: string, options: { create: boolean }): Db {
  if (!options.create) refuseEmpty(file);
  const db = new Database(file, { fileMustExist: !options.create });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    refuseNewer(db); // before any pragma that writes
    if (!options.create) refuseDamaged(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // WAL with synchronous=NORMAL is durable across app crashes; only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    immediateTransactions(db);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') throw damaged(file, (err as Error).message);
    throw err;
  }
}

/** A zero-byte file would open as a new, empty database: a project with no classes and no images. */
function refuseEmpty(file: string): void {
  if (statSync(file).size > 0) return;
  throw new AppError(
    'DAMAGED_DATABASE',
    `${file} is empty (0 bytes): it holds no project (a crash or a full disk may have truncated it). FCN Studio did not open it and changed nothing; restore ${basename(file)} from a backup.`,
  );
}

/** `quick_check` reads every page (not the indexes' contents): damaged pages are found before anything is written. */
function refuseDamaged(db: Db, file: string): void {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (problems.length) throw damaged(file, problems.join('; '));
}

function damaged(file: string, detail: string): AppError {
  const first = detail.split('\n').filter((l) => l && !l.startsWith('***')).slice(0, 2).join('; ');
  return new AppError(
    'DAMAGED_DATABASE',
    `${file} is damaged (${first || detail}). FCN Studio did not open it and changed nothing; restore it from a backup, or recover what is readable with \`sqlite3 ${basename(file)} .recover\` into a new file.`,
  );
}

/**
 * Every transaction begins IMMEDIATE. A deferred one that reads and then writes cannot wait for a
 * busy database: SQLite fails it at once (SQLITE_BUSY) when another process wrote after its read,
 * which lost saves with two servers on one project. IMMEDIATE takes the write lock first, waiting
 * up to the busy timeout. Nested transactions stay savepoints, as better-sqlite3 makes them.
 */
function immediateTransactions(db: Db): void {
  const transaction = db.transaction.bind(db);
  // The immediate variant carries the others (`.deferred`, `.exclusive`) as better-sqlite3 made them.
  db.transaction = ((fn: (...args: never[]) => unknown) => transaction(fn).immediate) as Db['transaction'];
}
