import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../../fixtures/images';
import { createRectangleProject } from '../../fixtures/trainingProject';

const BIN = join(import.meta.dirname, '..', '..', '..', 'electron', 'host', 'bin.mjs');

let root: string;
let projectDir: string;

beforeAll(async () => {
  root = tempDir();
  projectDir = join(root, 'p');
  const project = await createRectangleProject(projectDir, join(root, 'data'), { count: 8, size: 32, train: 6 });
  project.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('`train --max-minutes M` without --epochs trains until the minutes are spent, and the auto backend keeps Dawn quiet', async () => {
  // The default backend (auto) probes WebGPU: on this GPU-less machine Dawn would print Vulkan warnings.
  const args = ['train', '--project', projectDir, '--max-minutes', '0.1', '--size', '32', '--batch', '4', '--json'];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 120_000 }, (err, out, errOut) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut });
    });
  });
  expect(stderr).not.toMatch(/fcn-studio:/);
  expect(code).toBe(0);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const run = lines.at(-1)!;
  expect(run).toMatchObject({ type: 'run', stoppedBy: 'time', settings: { epochs: null, maxMinutes: 0.1 } });
  const epochs = lines.filter((l) => l.type === 'epoch');
  expect(epochs).toHaveLength(run.epochs as number);
  // Validated at the end (the budget is shorter than the time between validations).
  expect(epochs.at(-1)!.meanIoU).toEqual(expect.any(Number));
  expect(stderr).toMatch(/backend: \w+ \(auto: /);
  expect(stderr).not.toMatch(/Vulkan|artificially reduced|Warning:/);
});
