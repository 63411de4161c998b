import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';

const PARENT = join(import.meta.dirname, '..', '..', 'fixtures', 'mlWorkerParent.ts');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it.skipIf(process.platform === 'win32')('the ML process exits quietly when its parent dies with requests still to answer', async () => {
  // The ML process inherits the parent's stderr: this pipe outlives the parent and shows what it printed.
  const parent = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), PARENT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stderrClosed = new Promise<void>((resolve) => parent.stderr.once('close', () => resolve()));
  const lines = createInterface({ input: parent.stdout })[Symbol.asyncIterator]();
  const { pid } = JSON.parse((await lines.next()).value as string) as { pid: number };
  // Paused, the ML process reads the burst only after its parent is gone: its replies then meet a closed channel.
  process.kill(pid, 'SIGSTOP');
  try {
    parent.stdin.write('go\n');
    expect((await lines.next()).value).toBe('sent');
    parent.kill('SIGKILL');
    await new Promise((resolve) => parent.once('exit', resolve));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await stderrClosed; // closed once the ML process, its last writer, is gone
  await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  expect(stderr).toBe('');
});
