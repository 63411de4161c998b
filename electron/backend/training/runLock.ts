import { readFileSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { AppError } from '../../../shared/contract/errors';
import type { RunSummary } from '../../../shared/contract/rendererContract';
import type { RunLease, RunRecord } from '../../db/repositories/runRepository';
import type { Project } from '../project';

/**
 * A run is trained by one process at a time, across processes (two CLIs, a CLI and a server): the
 * trainer holds the run's lease in the project database. A lease whose process is gone (killed
 * with kill -9, a power cut) is dead: its run shows as interrupted and can be resumed.
 */
export function lockRun(project: Project, runId: number): () => void {
  const owner: RunLease = { pid: process.pid, host: hostname(), processStart: processStart(process.pid), since: new Date().toISOString() };
  const key = heldKey(project, runId);
  const holder = project.runs.claim(runId, owner, (lease) => leaseAlive(lease, key));
  if (holder) {
    const where = holder.host === owner.host ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
    const who = isThisProcess(holder) ? 'this FCN Studio' : where;
    throw new AppError('CONFLICT', `run ${runId} is being trained by ${who} since ${holder.since}; wait for it to end or stop it, then resume`);
  }
  heldHere.add(key);
  return () => {
    heldHere.delete(key);
    try {
      project.runs.release(runId, owner);
    } catch {
      // The project was closed while the run trained (another project opened): the row stays,
      // and heldHere no longer vouches for it, so it reads as dead. Never mask the run's own outcome.
    }
  };
}

/**
 * The leases this process holds now, by project folder and run. A lease row naming this process
 * that is not here was left behind (its project was closed under the run, so the release could not
 * be written): the pid is alive, yet nothing trains the run.
 */
const heldHere = new Set<string>();
/** By the folder's real path: the same project opened through a link is the same project. */
const heldKey = (project: Project, runId: number) => `${runId}@${realpathSync(project.dir)}`;

/** A run's status as the user should see it: "running" only while a live process trains it. */
export function shownRunStatus(project: Project, run: RunRecord): RunSummary['status'] {
  if (run.status !== 'running') return run.status;
  const lease = project.runs.lease(run.id);
  return lease && leaseAlive(lease, heldKey(project, run.id)) ? 'running' : 'interrupted';
}

const isThisProcess = (lease: RunLease) => lease.pid === process.pid && lease.host === hostname();

/**
 * Whether the lease's process still runs (for this process: whether it still holds `key`). On
 * another machine (a project on a shared drive) that cannot be checked from here: it counts as
 * alive, and the refusal names the machine.
 */
function leaseAlive(lease: RunLease, key: string): boolean {
  if (lease.host !== hostname()) return true;
  if (lease.pid === process.pid) return heldHere.has(key);
  try {
    process.kill(lease.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: it exists, owned by another user
  }
  // The pid may have been reused since (a reboot, a container's small pids): compare start times.
  const start = processStart(lease.pid);
  return lease.processStart === null || start === null || start === lease.processStart;
}

/** The process's start time in clock ticks after boot (Linux's /proc/<pid>/stat field 22); null elsewhere. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
