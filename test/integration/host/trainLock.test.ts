import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Project } from '../../../electron/backend/project';
import { runSummaries } from '../../../electron/backend/training/runSummaries';
import { tempDir } from '../../fixtures/images';
import { createRectangleProject } from '../../fixtures/trainingProject';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');
const root = tempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `train` in its own process group (a terminal's job: signals reach its ML process too), started once training is under way. */
async function startTrainer(args: string[]): Promise<{ pid: number; signal(name: NodeJS.Signals): void; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'train', ...args], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('backend: cpu')) resolve();
    });
    void exited.then((code) => reject(new Error(`train exited (${code}) before training: ${stderr}`)));
  });
  return { pid: child.pid!, signal: (name) => process.kill(-child.pid!, name), exited };
}

it.skipIf(process.platform === 'win32')('a run being trained refuses a second resume; killed with kill -9 it shows as interrupted and resumes', async () => {
  const project = join(root, 'p');
  (await createRectangleProject(project, join(root, 'data'), { count: 4, size: 32 })).close();

  const first = await startTrainer(['--project', project, '--backend', 'cpu', '--size', '32', '--batch', '2', '--epochs', '500']);
  try {
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
    first.signal('SIGKILL');
    await first.exited;
  }

  const opened = Project.open(project);
  try {
    expect(opened.runs.byId(1)!.status).toBe('running'); // what the killed process left
    expect(runSummaries(opened)[0]).toMatchObject({ id: 1, status: 'interrupted' });
  } finally {
    opened.close();
  }
  // The resume gets past the lease and trains; Ctrl-C then ends it as a cancelled run.
  const resumed = await startTrainer(['--project', project, '--resume', '1']);
  resumed.signal('SIGINT');
  expect(await resumed.exited).toBe(0);
  const after = Project.open(project);
  try {
    expect(runSummaries(after)[0]).toMatchObject({ id: 1, status: 'cancelled' });
    expect(after.runs.lease(1)).toBeNull();
  } finally {
    after.close();
  }
});
