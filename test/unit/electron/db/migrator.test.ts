import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/db/connection';
import { MIGRATIONS, type Migration } from '../../../../electron/db/migrations';
import { migrate, schemaVersion } from '../../../../electron/db/migrator';
import { tempDir } from '../../../fixtures/images';

const dirs: string[] = [];
function dbFile(): string {
  const d = tempDir();
  dirs.push(d);
  return join(d, 'project.sqlite');
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('migrate', () => {
  it('brings a new database to the newest version with WAL and foreign keys on', () => {
    const db = openDatabase(dbFile(), { create: true });
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a database from a newer app and leaves the file untouched', () => {
    const file = dbFile();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const before = readFileSync(file);
    expect(() => openDatabase(file, { create: false })).toThrow(/newer FCN Studio \(database version 99/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('rolls every pending migration back when one fails', () => {
    const db = new Database(':memory:');
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'broken', up: (d) => d.exec('CREATE TABLE half (x); SELECT * FROM missing_table;') },
    ];
    expect(() => migrate(db, broken)).toThrow(/missing_table/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('images', 'half')").get()).toEqual({ n: 0 });
  });

  it('refuses migrations whose versions are out of order', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: () => {} }])).toThrow(/expected 1/);
  });

  it('opens an existing project without migrating it again', () => {
    const file = dbFile();
    openDatabase(file, { create: true }).close();
    const copy = file + '.copy';
    copyFileSync(file, copy);
    const db = openDatabase(copy, { create: false });
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses to open a missing database when asked not to create one', () => {
    expect(() => openDatabase(join(tempDir(), 'none.sqlite'), { create: false })).toThrow();
  });
});

describe('0001-initial', () => {
  it('creates the schema: masks cascade with their image, class values stay in 0..254', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 0);
    expect(schemaVersion(db)).toBe(0);
    migrate(db, MIGRATIONS, 1);
    db.prepare(
      `INSERT INTO images (id, path, file_name, stem, sha256, byte_size, mtime_ms, width, height, format, imported_at)
       VALUES (1, '/a.jpg', 'a.jpg', 'a', 'ff', 1, 1, 2, 2, 'jpeg', 'now')`,
    ).run();
    db.prepare(`INSERT INTO label_masks (id, image_id, version, png, labeled_pixels, source, created_at) VALUES (1, 1, 1, x'00', 1, 'import', 'now')`).run();
    db.prepare('INSERT INTO label_class_counts VALUES (1, 0, 1)').run();
    db.prepare('DELETE FROM images WHERE id = 1').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM label_class_counts').get()).toEqual({ n: 0 });
    expect(() => db.prepare(`INSERT INTO classes (value, name, color, position) VALUES (255, 'x', '#000000', 0)`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO classes (value, name, color, position) VALUES (1, 'x', 'red', 0)`).run()).toThrow(/CHECK/);
  });
});
