/**
 * The ML process: one long-lived child of the backend that owns TF.js (its native bindings crash
 * in a second worker thread). It never touches SQLite; it answers requests and sends events.
 */
import type { MlEventMessage, MlMessage, MlReplyMessage, MlRequestMessage, MlRequests, MlRequestType } from '../../shared/contract/mlContract';
import { selectBackend } from './engine';
import { exportModel } from './export';
import { releasePredictor, runPrediction } from './predictJob';
import { runTraining } from './trainJob';
import { liveSession, runLive } from './live/liveJob';
import { inspectKerasBackboneWeights } from './engine/weights/kerasApplications';
import { AppError } from '../../shared/contract/errors';

const startedAt = performance.now();
const jobs = new Map<string, AbortController>();

type Handlers = { [T in MlRequestType]: (payload: MlRequests[T]['request']) => Promise<MlRequests[T]['reply']> | MlRequests[T]['reply'] };

/**
 * With a callback, a write to a parent that is gone fails here instead of as an unhandled 'error'
 * (EPIPE), which the wasm runtime's own handler would rethrow with a minified line of its source.
 */
function send(message: MlMessage): void {
  if (!process.connected) return exitQuietly();
  process.send?.(message, undefined, {}, (err) => {
    if (err) exitQuietly();
  });
}

/** The backend is gone: nobody is left to read a reply or an error, and no orphan may hold the GPU. */
function exitQuietly(): never {
  process.exit(0);
}
const emit = (event: MlEventMessage) => send(event);

/** Runs a job with its own cancel signal; one job at a time keeps the backend's memory predictable. */
async function asJob<T>(jobId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (jobs.size > 0) throw new Error(`the ML process is busy with ${[...jobs.keys()].join(', ')}`);
  const controller = new AbortController();
  jobs.set(jobId, controller);
  try {
    return await run(controller.signal);
  } finally {
    jobs.delete(jobId);
  }
}

const handlers: Handlers = {
  ping: () => ({ pid: process.pid, uptimeS: (performance.now() - startedAt) / 1000, node: process.version }),
  train: (req) =>
    asJob(req.jobId, async (signal) => {
      // The model kept loaded for prediction would share the memory training needs.
      await releasePredictor();
      return runTraining(req, emit, signal);
    }),
  predict: (req) => asJob(req.jobId, (signal) => runPrediction(req, emit, signal)),
  exportModel: async ({ checkpoint, outDir, classes }) => {
    // Reading and writing weights needs no accelerator; the cpu backend is always there.
    await selectBackend('cpu');
    const { epoch, files } = await exportModel(checkpoint, outDir, classes);
    return { epoch, files };
  },
  inspectWeights: ({ path, backbone }) => inspectKerasBackboneWeights(path, backbone),
  cancel: ({ jobId }) => {
    const job = jobs.get(jobId);
    job?.abort();
    return { cancelled: Boolean(job) };
  },
  live: (req) =>
    asJob(req.jobId, async (signal) => {
      // As for train: the model kept loaded for prediction would share the memory.
      await releasePredictor();
      return runLive(req, emit, signal);
    }),
  liveUpdate: (update) => liveSession(update.jobId).update(update, emit),
  liveFocus: ({ jobId, focus }) => {
    liveSession(jobId).setFocus(focus);
    return null;
  },
  livePainting: ({ jobId, painting }) => {
    liveSession(jobId).setPainting(painting);
    return null;
  },
  shutdown: () => {
    for (const job of jobs.values()) job.abort();
    setImmediate(() => process.exit(0));
    return null;
  },
};

process.on('message', async (raw: MlRequestMessage) => {
  const handler = handlers[raw.type] as ((payload: unknown) => unknown) | undefined;
  let reply: MlReplyMessage;
  if (!handler) {
    reply = { seq: raw.seq, ok: false, error: { code: 'BAD_REQUEST', message: `the ML process has no request "${raw.type}"` } };
  } else {
    try {
      reply = { seq: raw.seq, ok: true, value: await handler(raw.payload) };
    } catch (err) {
      reply = { seq: raw.seq, ok: false, error: { code: err instanceof AppError ? err.code : 'INTERNAL', message: (err as Error).message } };
    }
  }
  send(reply);
});

process.on('disconnect', exitQuietly);
// stdout/stderr are the parent's: a closed pipe there (the CLI killed in a pipeline) is the same news.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exitQuietly();
    throw err;
  });
}
