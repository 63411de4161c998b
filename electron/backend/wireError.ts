import { AppError, type WireError } from '../../shared/contract/errors';

/** Any thrown error as the `{code, message}` a client gets: file-system and SQLite failures named for a user. */
export function toWireError(err: unknown): WireError {
  if (err instanceof AppError) return err.toWire();
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return { code: 'DISK_FULL', message: 'the disk is full: nothing was saved' };
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return { code: 'IO_ERROR', message: `permission denied: ${e.path ?? e.message}` };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE') return { code: 'CONFLICT', message: e.message };
  if (e?.code === 'SQLITE_FULL') return { code: 'DISK_FULL', message: 'the disk is full: nothing was saved' };
  if (e?.code?.startsWith('SQLITE_BUSY') || e?.code?.startsWith('SQLITE_LOCKED')) {
    return { code: 'BUSY', message: 'another FCN Studio process kept the project busy: nothing was saved; try again (the editor retries its saves by itself)' };
  }
  if (e?.code?.startsWith('SQLITE_READONLY')) return { code: 'IO_ERROR', message: 'the project database is read-only: nothing was saved' };
  return { code: 'INTERNAL', message: e?.message ?? String(err) };
}
