import { expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend';
import type { RendererEvents, RunSummary } from '../../../shared/contract/rendererContract';
import { useTrainingBackend } from '../../fixtures/trainingProject';

const env = useTrainingBackend({ count: 4, size: 32, train: 3 });
const SETTINGS = { backbone: 'small' as const, longSide: 32, crop: 32, batch: 2, backend: 'wasm' as const };

type Done = RendererEvents['runs:done'];

/** Starts (or resumes) a run; resolves at its first step, or with its end if it ends before one. */
async function startRun(backend: Backend, request: object): Promise<{ jobId: string; stepped: boolean; done: Promise<Done> }> {
  const done = new Promise<Done>((resolve) => backend.events.once('runs:done', resolve));
  const stepped = new Promise<boolean>((resolve) => {
    backend.events.once('runs:progress', () => resolve(true));
    void done.then(() => resolve(false));
  });
  const started = await backend.invoke('runs:start', request);
  if (!started.ok) throw new Error(started.error.message);
  return { jobId: (started.value as { jobId: string }).jobId, stepped: await stepped, done };
}

async function runs(backend: Backend): Promise<RunSummary[]> {
  const listed = await backend.invoke('runs:list', {});
  if (!listed.ok) throw new Error(listed.error.message);
  return listed.value as RunSummary[];
}

it('a run whose project is closed while it trains is interrupted, and resumable, when the project is opened again', async () => {
  const backend = new Backend({ mode: 'browser', version: 'test', ml: env.ml });
  backend.openProject(env.project.dir);
  const first = await startRun(backend, { ...SETTINGS, epochs: 500 });
  expect(first.stepped).toBe(true);
  const [run] = await runs(backend);
  // Switching projects cancels the job and closes the database before the ML process has stopped.
  expect(await backend.invoke('project:close', {})).toMatchObject({ ok: true });
  // The job ends after the database closed: its event names the run but carries no row (none can be read).
  expect(await first.done).toMatchObject({ runId: run.id, run: null });

  expect(await backend.invoke('project:open', { path: env.project.dir })).toMatchObject({ ok: true });
  expect((await runs(backend))[0]).toMatchObject({ id: run.id, status: 'interrupted', jobId: null });
  const resumed = await startRun(backend, { resume: String(run.id) });
  if (!resumed.stepped) expect((await resumed.done).error).toBeNull();
  expect(resumed.stepped).toBe(true);
  expect(await backend.invoke('runs:cancel', { jobId: resumed.jobId })).toEqual({ ok: true, value: { cancelled: true } });
  expect(await resumed.done).toMatchObject({ runId: run.id, stoppedBy: 'cancel', error: null });
  backend.closeProject();
});
