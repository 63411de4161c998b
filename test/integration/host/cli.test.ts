import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Project } from '../../../electron/backend/project';
import { tempDir, writeImage, writeMask } from '../../fixtures/images';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');
const CAMVID = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets', 'camvid');

/** Runs the CLI; `signal` is set when it had to be killed at the timeout (it never exited by itself). */
function cli(...args: string[]) {
  return cliWithin(120_000, ...args);
}

function cliWithin(timeout: number, ...args: string[]): Promise<{ code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout }, (err, stdout, stderr) => {
      const failure = err as { code?: number; signal?: NodeJS.Signals | null } | null;
      resolve({ code: failure ? (failure.code ?? 1) : 0, signal: failure?.signal ?? null, stdout, stderr });
    });
  });
}

let root: string;
beforeAll(() => {
  root = tempDir();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fcn-studio CLI', () => {
  it('init, import with labels and a split, status --json', async () => {
    const project = join(root, 'p');
    const classes = join(root, 'classes.json');
    writeFileSync(classes, JSON.stringify({ ignoreIndex: 9, classes: [{ id: 0, name: 'bg', color: [0, 0, 0] }, { id: 1, name: 'fg', color: [255, 0, 0] }] }));
    expect(await cli('init', '--project', project, '--classes', classes, '--json')).toMatchObject({ code: 0 });
    mkdirSync(join(root, 'imgs'));
    mkdirSync(join(root, 'labels'));
    await writeImage(join(root, 'imgs', 'one.jpg'), 6, 4, 'jpeg', 1);
    await writeImage(join(root, 'imgs', 'two.jpg'), 6, 4, 'jpeg', 2);
    writeMask(join(root, 'labels', 'one.png'), 6, 4, (x) => (x < 2 ? 1 : 9));

    const imported = await cli('import', '--project', project, '--images', join(root, 'imgs'), '--labels', join(root, 'labels'), '--split', 'train', '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ added: 2, labelsAdded: 1, skipped: [] });

    const status = await cli('status', '--project', project, '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ images: 2, labeledImages: 1, classes: 2, splits: { train: 2, val: 0, test: 0, unassigned: 0 } });
  });

  it('exits 2 on usage errors and 1 on failures, with a clear message', async () => {
    expect((await cli('status')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    const badClasses = await cli('init', '--project', join(root, 'q'), '--classes', join(root, 'missing.json'));
    expect(badClasses.code).toBe(2);
    expect(badClasses.stderr).toMatch(/not a preset .* nor a readable JSON file/);
    expect(existsSync(join(root, 'q', 'project.sqlite'))).toBe(false);
    const notAProject = await cli('status', '--project', root);
    expect(notAProject.code).toBe(1);
    expect(notAProject.stderr).toMatch(/no project at .*project\.sqlite is missing/);
    expect((await cli('--help')).code).toBe(0);
  });

  it('serve on a project that cannot be opened prints why and exits 1 (the ML process does not keep it alive)', async () => {
    const project = join(root, 'newer');
    Project.create(project, null).close();
    const db = new Database(join(project, 'project.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    const served = await cliWithin(45_000, 'serve', '--project', project, '--port', '0');
    expect(served.signal).toBeNull();
    expect(served.code).toBe(1);
    expect(served.stderr).toMatch(/written by a newer FCN Studio/);
  });

  it.runIf(existsSync(CAMVID))('imports CamVid val with its masks, and a second import adds nothing', async () => {
    const project = join(root, 'camvid');
    await cli('init', '--project', project, '--classes', join(CAMVID, 'classes.json'));
    const args = ['import', '--project', project, '--images', join(CAMVID, 'val', 'images'), '--labels', join(CAMVID, 'val', 'labels'), '--split', 'val', '--json'];
    expect(JSON.parse((await cli(...args)).stdout)).toMatchObject({ added: 101, labelsAdded: 101, skipped: [] });
    expect(JSON.parse((await cli(...args)).stdout)).toMatchObject({ added: 0, labelsAdded: 0 });
    expect(JSON.parse((await cli('status', '--project', project, '--json')).stdout)).toMatchObject({
      images: 101,
      labeledImages: 101,
      classes: 11,
      splits: { val: 101 },
    });
  });
  if (!existsSync(CAMVID)) console.warn(`skipped the CamVid import: ${CAMVID} is absent`);
});
