import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presetClassFile } from '../../../shared/domain/presets';
import { importImages } from '../../../electron/backend/importService';
import { DATABASE_FILE, Project } from '../../../electron/backend/project';
import { tempDir, writeImage } from '../../fixtures/images';

let root: string;
let dir: string;
beforeEach(() => {
  root = tempDir();
  dir = join(root, 'p');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A project whose database spans many pages (so one can be damaged without losing the header). */
function projectWithPages(): string {
  const project = Project.create(dir, presetClassFile('voc'));
  project.db.transaction(() => {
    for (let i = 0; i < 300; i++) project.meta.set(`note-${i}`, `${i}`.repeat(400));
  })();
  project.close(); // the last connection checkpoints the WAL into the file
  return join(dir, DATABASE_FILE);
}

/** Read-only for everyone, root included (root ignores permission bits, not the immutable flag). */
function makeReadOnly(path: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', path]);
    return () => execFileSync('chattr', ['-i', path]);
  }
  chmodSync(path, 0o555);
  return () => chmodSync(path, 0o755);
}

function chattrWorks(): boolean {
  if (process.getuid?.() !== 0) return true;
  try {
    execFileSync('chattr', ['--help'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined; // it ran (and printed usage): it exists
  }
}

describe('opening a project refuses what it cannot safely write', () => {
  it('refuses a database with damaged pages, with a clear message, and leaves the file as it was', () => {
    const file = projectWithPages();
    const pageSize = 4096;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, pageSize * 10);
    closeSync(fd);
    const before = sha(file);
    expect(() => Project.open(dir)).toThrow(/project\.sqlite is damaged/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a zero-byte project.sqlite instead of opening it as a new project with no classes', () => {
    Project.create(dir, presetClassFile('voc')).close();
    const file = join(dir, DATABASE_FILE);
    writeFileSync(file, '');
    expect(() => Project.open(dir)).toThrow(/project\.sqlite is empty \(0 bytes\)/);
    expect(statSync(file).size).toBe(0);
  });

  it.runIf(chattrWorks())('says that a read-only project folder is read-only', () => {
    Project.create(dir, presetClassFile('voc')).close();
    const restore = makeReadOnly(dir);
    try {
      expect(() => Project.open(dir)).toThrow(/project folder .* is read-only/);
    } finally {
      restore();
    }
  });

  it('two processes saving labels into one project at once: no save fails (a busy database waits)', async () => {
    const project = Project.create(dir, presetClassFile('voc'));
    await writeImage(join(root, 'a.png'), 64, 48, 'png', 1);
    await writeImage(join(root, 'b.png'), 64, 48, 'png', 2);
    await importImages(project, { paths: [join(root, 'a.png'), join(root, 'b.png')] });
    const ids = project.images.all().map((i) => i.id);
    project.close();
    const saver = join(import.meta.dirname, '..', '..', 'fixtures', 'labelSaver.ts');
    const results = await Promise.all(
      ids.map(
        (id) =>
          new Promise<{ codes: Record<string, number>; messages: string[] }>((resolve, reject) => {
            execFile(process.execPath, ['--import', import.meta.resolve('tsx'), saver, dir, String(id), '64', '48', '150'], (err, stdout) =>
              err ? reject(err) : resolve(JSON.parse(stdout)),
            );
          }),
      ),
    );
    for (const r of results) expect(r, r.messages.join('\n')).toMatchObject({ codes: { ok: 150 } });
    const reopened = Project.open(dir);
    expect(ids.map((id) => reopened.images.byId(id)!.labelVersion)).toEqual([150, 150]);
    reopened.close();
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(true);
  });
});
