import { execFileSync, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Project } from '../../../electron/backend/project';
import { tempDir } from '../../fixtures/images';
import { writeRectangleSet } from '../../fixtures/segmentationSet';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');
const root = tempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

it.skipIf(process.platform === 'win32')('Ctrl-C in train cancels the run within about a second, even inside a long step', async () => {
  const project = join(root, 'p');
  const classes = join(root, 'classes.json');
  writeFileSync(classes, JSON.stringify({ classes: [{ id: 0, name: 'bg', color: [0, 0, 0] }, { id: 1, name: 'box', color: [255, 200, 0] }] }));
  const set = await writeRectangleSet(join(root, 'data'), 8, 48);
  execFileSync(process.execPath, [BIN, 'init', '--project', project, '--classes', classes]);
  execFileSync(process.execPath, [BIN, 'import', '--project', project, '--images', set.images, '--labels', set.labels, '--format', 'png-gray', '--split', 'train']);

  // Its own process group, as a terminal's foreground job: Ctrl-C reaches the CLI and its ML process alike.
  // Steps of seconds: 48-px images, batch 4, on the pure-JS backend.
  const args = ['train', '--project', project, '--backend', 'cpu', '--size', '48', '--batch', '4', '--epochs', '3', '--json'];
  const child = spawn(process.execPath, [BIN, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('backend: cpu')) resolve();
    });
  });
  // The first step (seconds long) is under way once the backend is chosen and the data prepared.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const interruptedAt = performance.now();
  process.kill(-child.pid!, 'SIGINT');
  const code = await exited;
  expect((performance.now() - interruptedAt) / 1000).toBeLessThan(3);
  expect(code).toBe(0);
  expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'run', runId: 1, stoppedBy: 'cancel' });
  const opened = Project.open(project);
  try {
    expect(opened.runs.byId(1)).toMatchObject({ status: 'cancelled', error: null });
  } finally {
    opened.close();
  }
});
