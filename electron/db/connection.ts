import Database from 'better-sqlite3';
import { migrate, refuseNewer } from './migrator';

export type Db = Database.Database;

/** Opens (creating if asked) a project database: WAL, foreign keys on, migrated to the newest schema. */
export function openDatabase(file: string, options: { create: boolean }): Db {
  const db = new Database(file, { fileMustExist: !options.create });
  try {
    refuseNewer(db); // before any pragma that writes, so a newer app's file is left byte for byte
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // WAL with synchronous=NORMAL is durable across app crashes; only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
