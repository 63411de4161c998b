import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Project } from '../../../electron/backend/project';
import { lockRun } from '../../../electron/backend/training/runLock';
import { runSummaries } from '../../../electron/backend/training/runSummaries';
import { tempDir } from '../../fixtures/images';
import { createRectangleProject } from '../../fixtures/trainingProject';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');
const root = tempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

it.skipIf(process.platform === 'win32')('a run being trained refuses a second resume; killed with kill -9 it shows as interrupted and resumable', async () => {
  const project = join(root, 'p');
  (await createRectangleProject(project, join(root, 'data'), { count: 4, size: 32 })).close();

  // The first trainer: its own process group, so kill -9 takes its ML process too.
  const first = spawn(process.execPath, [BIN, 'train', '--project', project, '--backend', 'cpu', '--size', '32', '--batch', '2', '--epochs', '500'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => first.once('exit', resolve));
  try {
    await new Promise<void>((resolve) => {
      let stderr = '';
      first.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('backend: cpu')) resolve();
      });
    });
    const second = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'train', '--project', project, '--resume', '1'], { timeout: 60_000 }, (err, _stdout, stderr) => {
        const e = err as { code?: number; signal?: string } | null;
        resolve({ code: e ? (e.code ?? null) : 0, signal: e?.signal ?? null, stderr });
      });
    });
    expect(second.signal).toBeNull();
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`run 1 is being trained by process ${first.pid} since`));
  } finally {
    process.kill(-first.pid!, 'SIGKILL');
    await exited;
  }

  const opened = Project.open(project);
  try {
    expect(opened.runs.byId(1)!.status).toBe('running'); // what the killed process left
    expect(runSummaries(opened)[0]).toMatchObject({ id: 1, status: 'interrupted' });
    const unlock = lockRun(opened, 1); // a resume may take it over
    expect(runSummaries(opened)[0].status).toBe('running');
    unlock();
  } finally {
    opened.close();
  }
});
