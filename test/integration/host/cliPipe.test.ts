import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Project } from '../../../electron/backend/project';
import { tempDir } from '../../fixtures/images';
import { createRectangleProject } from '../../fixtures/trainingProject';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');
const root = tempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

it.skipIf(process.platform === 'win32')('`train --json | head -1`: a reader that goes away stops the run as Ctrl-C does, with no stack trace', async () => {
  const project = join(root, 'p');
  (await createRectangleProject(project, join(root, 'data'), { count: 4, size: 32 })).close();
  const child = spawn(process.execPath, [BIN, 'train', '--project', project, '--backend', 'wasm', '--size', '32', '--batch', '2', '--epochs', '500', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Like `head -1`: read the first line, then close the pipe.
  await new Promise<void>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        child.stdout.destroy();
        resolve();
      }
    });
  });
  expect(await exited, stderr).toBe(0);
  expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\(/);
  const opened = Project.open(project);
  try {
    expect(opened.runs.byId(1)).toMatchObject({ status: 'cancelled' });
  } finally {
    opened.close();
  }
});
