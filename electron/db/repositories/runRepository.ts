import type { EpochMetrics } from '../../../shared/domain/training';
import type { Db } from '../connection';

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunRecord {
  id: number;
  createdAt: string;
  status: RunStatus;
  config: Record<string, unknown>;
  backend: string | null;
  backendReason: string | null;
  error: string | null;
  finishedAt: string | null;
}

/** One stored epoch: the shared vocabulary's epoch metrics. */
export type EpochRecord = EpochMetrics;

/** The process training a run now: only it may write the run's rows and checkpoint folder. */
export interface RunLease {
  pid: number;
  host: string;
  /** When that process started, as the OS tells it (tells a reused pid apart); null where unknown. */
  processStart: string | null;
  since: string;
}

export interface CheckpointRecord {
  kind: 'best' | 'last';
  epoch: number;
  path: string;
}

export function runRepository(db: Db) {
  const insertRun = db.prepare("INSERT INTO runs (created_at, status, config) VALUES (?, 'running', ?)");
  const byId = db.prepare<[number], Record<string, unknown>>('SELECT * FROM runs WHERE id = ?');
  const latest = db.prepare<[], Record<string, unknown>>('SELECT * FROM runs ORDER BY id DESC LIMIT 1');
  const all = db.prepare<[], Record<string, unknown>>('SELECT * FROM runs ORDER BY id DESC');
  const setBackend = db.prepare('UPDATE runs SET backend = ?, backend_reason = ? WHERE id = ?');
  const setConfig = db.prepare('UPDATE runs SET config = ? WHERE id = ?');
  const finish = db.prepare('UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?');
  const reopen = db.prepare("UPDATE runs SET status = 'running', error = NULL, finished_at = NULL WHERE id = ?");
  const insertEpoch = db.prepare(`INSERT INTO run_epochs
    (run_id, epoch, train_loss, val_loss, pixel_accuracy, mean_accuracy, mean_iou, fw_iou, per_class_iou, confusion, seconds, images_per_s, finished_at)
    VALUES (@runId, @epoch, @trainLoss, @valLoss, @pixelAccuracy, @meanAccuracy, @meanIoU, @fwIoU, @perClassIoU, @confusion, @seconds, @imagesPerSecond, @finishedAt)`);
  const epochs = db.prepare<[number], Record<string, unknown>>('SELECT * FROM run_epochs WHERE run_id = ? ORDER BY epoch');
  const dropEpochsAfter = db.prepare('DELETE FROM run_epochs WHERE run_id = ? AND epoch > ?');
  const upsertCheckpoint = db.prepare(`INSERT INTO checkpoints (run_id, kind, epoch, path, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (run_id, kind) DO UPDATE SET epoch = excluded.epoch, path = excluded.path, created_at = excluded.created_at`);
  const checkpoints = db.prepare<[number], CheckpointRecord>('SELECT kind, epoch, path FROM checkpoints WHERE run_id = ?');
  const prediction = db.prepare<[number, number], { mask: Buffer; confidence: Buffer; meanEntropy: number }>(
    'SELECT mask_png AS mask, confidence_png AS confidence, mean_entropy AS meanEntropy FROM predictions WHERE run_id = ? AND image_id = ?',
  );

  // Leases live in project_meta (key `run-lease:<id>`): a claim is one transaction, so two
  // processes resuming the same run cannot both win.
  const leaseKey = (runId: number) => `run-lease:${runId}`;
  const getLease = db.prepare<[string], { value: string }>('SELECT value FROM project_meta WHERE key = ?');
  const setLease = db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const dropLease = db.prepare('DELETE FROM project_meta WHERE key = ? AND value = ?');
  const readLease = (runId: number): RunLease | null => {
    const row = getLease.get(leaseKey(runId));
    return row ? (JSON.parse(row.value) as RunLease) : null;
  };

  const predictedImages = db.prepare<[number], { imageId: number }>('SELECT image_id AS imageId FROM predictions WHERE run_id = ?');

  // A run's full-resolution evaluations (what `eval` computes) live in project_meta like its lease,
  // one key per split (`run-evaluation:<id>:<split>`); deleting the run deletes them.
  const evaluationKey = (runId: number, split: string) => `run-evaluation:${runId}:${split}`;
  const removeRun = db.prepare('DELETE FROM runs WHERE id = ?');
  const removeRunMeta = db.prepare('DELETE FROM project_meta WHERE key LIKE ?');
  const countPredictions = db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM predictions WHERE run_id = ?');

  const toRun = (r: Record<string, unknown> | undefined): RunRecord | undefined =>
    r && {
      id: r.id as number,
      createdAt: r.created_at as string,
      status: r.status as RunStatus,
      config: JSON.parse(r.config as string) as Record<string, unknown>,
      backend: r.backend as string | null,
      backendReason: r.backend_reason as string | null,
      error: r.error as string | null,
      finishedAt: r.finished_at as string | null,
    };
  const parse = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(v as string) as T));

  return {
    create(config: Record<string, unknown>): number {
      return Number(insertRun.run(new Date().toISOString(), JSON.stringify(config)).lastInsertRowid);
    },
    byId: (id: number) => toRun(byId.get(id)),
    latest: () => toRun(latest.get()),
    all: () => all.all().map((r) => toRun(r)!),
    setBackend(id: number, backend: string, reason: string): void {
      setBackend.run(backend, reason, id);
    },
    /** Replaces a run's config (a live run records the weights its ML job reports having started from). */
    setConfig(id: number, config: Record<string, unknown>): void {
      setConfig.run(JSON.stringify(config), id);
    },
    finish(id: number, status: Exclude<RunStatus, 'running'>, error: string | null = null): void {
      finish.run(status, error, new Date().toISOString(), id);
    },
    /** A resumed run: epochs after its last checkpoint are dropped, so none is recorded twice. */
    reopen(id: number, lastCheckpointEpoch: number): void {
      db.transaction(() => {
        dropEpochsAfter.run(id, lastCheckpointEpoch);
        reopen.run(id);
      })();
    },
    /** An epoch's metrics; its checkpoints follow with recordCheckpoint once they are on disk. */
    recordEpoch(runId: number, e: EpochRecord): void {
      insertEpoch.run({
        runId,
        ...e,
        perClassIoU: e.perClassIoU && JSON.stringify(e.perClassIoU),
        confusion: e.confusion && JSON.stringify(e.confusion),
        finishedAt: new Date().toISOString(),
      });
    },
    recordCheckpoint(runId: number, c: CheckpointRecord): void {
      upsertCheckpoint.run(runId, c.kind, c.epoch, c.path, new Date().toISOString());
    },
    epochs(runId: number): EpochRecord[] {
      return epochs.all(runId).map((r) => ({
        epoch: r.epoch as number,
        trainLoss: r.train_loss as number,
        valLoss: r.val_loss as number | null,
        pixelAccuracy: r.pixel_accuracy as number | null,
        meanAccuracy: r.mean_accuracy as number | null,
        meanIoU: r.mean_iou as number | null,
        fwIoU: r.fw_iou as number | null,
        perClassIoU: parse<Array<number | null>>(r.per_class_iou),
        confusion: parse<number[][]>(r.confusion),
        seconds: r.seconds as number,
        imagesPerSecond: r.images_per_s as number,
      }));
    },
    checkpoints: (runId: number) => checkpoints.all(runId),
    lease: readLease,
    /**
     * Makes `owner` the run's trainer unless a live process holds it; returns that holder (nothing
     * changed) or null (claimed). `alive` decides whether a recorded holder still runs.
     */
    claim(runId: number, owner: RunLease, alive: (holder: RunLease) => boolean): RunLease | null {
      return db.transaction(() => {
        const holder = readLease(runId);
        if (holder && alive(holder)) return holder;
        setLease.run(leaseKey(runId), JSON.stringify(owner));
        return null;
      })();
    },
    /** Ends `owner`'s lease (one taken over by another process since is left alone). */
    release(runId: number, owner: RunLease): void {
      dropLease.run(leaseKey(runId), JSON.stringify(owner));
    },
    prediction(runId: number, imageId: number) {
      return prediction.get(runId, imageId);
    },
    predictedImageIds(runId: number): number[] {
      return predictedImages.all(runId).map((r) => r.imageId);
    },
    predictionCount: (runId: number) => countPredictions.get(runId)!.n,
    saveEvaluation(runId: number, split: string, evaluation: object): void {
      setLease.run(evaluationKey(runId, split), JSON.stringify(evaluation));
    },
    evaluation(runId: number, split: string): Record<string, unknown> | null {
      const row = getLease.get(evaluationKey(runId, split));
      return row ? (JSON.parse(row.value) as Record<string, unknown>) : null;
    },
    /** Deletes the run with its epochs, checkpoint rows, predictions and evaluations (its files are the caller's). */
    remove(runId: number): void {
      db.transaction(() => {
        removeRun.run(runId);
        removeRunMeta.run(`run-evaluation:${runId}:%`);
      })();
    },
  };
}
export type RunRepository = ReturnType<typeof runRepository>;
