/** Error codes that cross every boundary as `{code, message}`. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'NO_PROJECT'
  | 'CONFLICT'
  | 'UNSUPPORTED'
  | 'NEWER_DATABASE'
  | 'DAMAGED_DATABASE'
  /** Another process held the project database past the busy timeout: retrying later succeeds. */
  | 'BUSY'
  | 'IO_ERROR'
  | 'DISK_FULL'
  | 'CANCELLED'
  | 'ML_PROCESS_DIED'
  | 'ML_TIMEOUT'
  | 'INTERNAL';

export interface WireError {
  code: ErrorCode;
  message: string;
}

/** An error meant for the user: its message is shown as is. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };
