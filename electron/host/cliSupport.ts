import type { MlSupervisor } from '../backend/mlSupervisor';
import { Project } from '../backend/project';
import { sourceMlSupervisor } from './studioHost';

/** A mistake in how the command was called: exit code 2, the message says what to write instead. */
export class UsageError extends Error {}

/**
 * Opens the project and starts the ML process for one command; both are closed however it ends.
 * Ctrl-C stops the ML process; with `cancellable`, the first Ctrl-C aborts the signal given to
 * `run` instead (the command winds down itself) and a second one stops the ML process.
 */
export async function withProjectAndMl(
  dir: string,
  run: (project: Project, ml: MlSupervisor, interrupt: AbortSignal) => Promise<void>,
  { cancellable = false } = {},
): Promise<void> {
  const project = Project.open(dir);
  const ml = sourceMlSupervisor();
  ml.start();
  const interrupt = new AbortController();
  const interrupted = () => {
    if (cancellable && !interrupt.signal.aborted) {
      interrupt.abort();
      process.once('SIGINT', interrupted);
    } else {
      void ml.stop();
    }
  };
  process.once('SIGINT', interrupted);
  // Nobody reads the output any more: stop once, as the first Ctrl-C does.
  const outputClosed = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' && !interrupt.signal.aborted) interrupted();
  };
  process.stdout.on('error', outputClosed);
  try {
    await run(project, ml, interrupt.signal);
  } finally {
    process.off('SIGINT', interrupted);
    process.stdout.off('error', outputClosed);
    await ml.stop();
    project.close();
  }
}

/** stdout/stderr's 'error' listener: a closed pipe (EPIPE) is ignored, anything else still throws. */
export function ignoreClosedPipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${value} is not a positive whole number`);
  return n;
}

export function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${value} is not a positive number`);
  return n;
}

/** A number in [0, max] (strengths, fractions). */
export function parseFraction(value: string, max = 1): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`${value} is not a number between 0 and ${max}`);
  return n;
}

/** `--size 240` or `--size 240x180`: the longer side is what the network trains at. */
export function parseSize(value: string): number {
  const parts = value.toLowerCase().split('x').map(Number);
  if (parts.length > 2 || parts.some((n) => !Number.isInteger(n) || n < 32)) throw new UsageError(`--size ${value}: write N or WxH, each at least 32`);
  return Math.max(...parts);
}

export function parseByte(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new UsageError(`${value} is not a pixel value (0..255)`);
  return n;
}

export function parseRgb(value: string): [number, number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) {
    throw new UsageError(`${value} is not a colour; write it as r,g,b (e.g. 0,0,0)`);
  }
  return parts as [number, number, number];
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${value} is not a port number`);
  return port;
}

export function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write((json ? JSON.stringify(value) : text) + '\n');
}

export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
