import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import type { InitialWeights } from '../../../shared/contract/mlContract';

/** A keras-applications weights file: where Keras downloads it from and the hash Keras checks it against. */
export interface PretrainedFile {
  kerasModel: string;
  /** Path under the keras-applications bucket. */
  file: string;
  /** MD5 from keras/applications (`file_hash`), null where Keras publishes none. */
  md5: string | null;
  /** What the user is told before a download starts. */
  size: string;
}

/**
 * ImageNet weights per backbone, as keras-applications ships them (keras/src/applications/vgg16.py
 * and mobilenet_v2.py). VGG16 with top, so that fc6/fc7 start from fc1/fc2 as the FCN paper's do.
 */
export const IMAGENET_WEIGHTS: Record<string, PretrainedFile> = {
  vgg16: {
    kerasModel: 'VGG16',
    file: 'vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5',
    md5: '64373286793e3c8b2b4e3219cbf3544b',
    size: '528 MiB',
  },
  mobilenetv2: {
    kerasModel: 'MobileNetV2 1.0/224 (no top)',
    file: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5',
    md5: null,
    size: '9 MiB',
  },
};

const KERAS_APPLICATIONS_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/';

/** The bucket; FCN_STUDIO_WEIGHTS_URL points tests at a local server. */
function baseUrl(): string {
  const base = process.env.FCN_STUDIO_WEIGHTS_URL || KERAS_APPLICATIONS_URL;
  return base.endsWith('/') ? base : `${base}/`;
}

export function pretrainedUrl(entry: PretrainedFile): string {
  return new URL(entry.file, baseUrl()).href;
}

/** Where downloaded weights are kept: FCN_STUDIO_WEIGHTS_DIR, else the platform's user cache folder. */
export function weightsCacheDir(): string {
  if (process.env.FCN_STUDIO_WEIGHTS_DIR) return resolve(process.env.FCN_STUDIO_WEIGHTS_DIR);
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'fcn-studio', 'weights');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'fcn-studio', 'weights');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fcn-studio', 'weights');
}

export type DownloadProgress = (bytes: number, total: number | null) => void;

export interface DownloadOptions {
  onProgress?: DownloadProgress;
  signal?: AbortSignal;
  /** Resumed attempts after the connection drops mid-file, before giving up (the .part file stays for the next run). */
  retries?: number;
  /** Seconds without a byte before a connection counts as dropped. */
  idleSeconds?: number;
}

export interface DownloadResult {
  path: string;
  /** False when the file was already in the cache (no network used). */
  downloaded: boolean;
  bytes: number;
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function fileMd5(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A dropped connection after the server answered: worth resuming. */
class Interrupted extends Error {}

function unreachable(url: string, err: unknown, md5: string | null): AppError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  const host = new URL(url).host;
  return new AppError(
    'IO_ERROR',
    `could not reach ${host} (${why}): no network? Download ${url} yourself` +
      (md5 ? ` (its MD5 is ${md5})` : '') +
      ' and pass --weights FILE (in the app: Initial weights → File)',
  );
}

/**
 * One HTTP attempt: continues `part` from its current size with a Range request; a server that
 * answers 200 (no Range support) gets the file written from the start again.
 */
async function attempt(url: string, part: string, md5: string | null, options: DownloadOptions): Promise<void> {
  let offset = existsSync(part) ? statSync(part).size : 0;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), (options.idleSeconds ?? 60) * 1000);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  touch();
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal, redirect: 'follow' });
    } catch (err) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'download cancelled');
      if (idle.signal.aborted) throw new Interrupted('no answer');
      throw unreachable(url, err, md5);
    }
    if (response.status === 416) {
      await response.body?.cancel();
      // `bytes */N` with N our size: the partial file is already whole (a run stopped during the
      // hash check or before the rename) and goes on to the hash check.
      const size = /bytes \*\/(\d+)/.exec(response.headers.get('content-range') ?? '');
      if (size && Number(size[1]) === offset) return;
      // Otherwise it is not a prefix the server knows (the file changed, or ours is longer): start over.
      rmSync(part, { force: true });
      throw new Interrupted('range not satisfiable');
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new AppError('IO_ERROR', `${url} answered HTTP ${response.status} ${response.statusText}`);
    }
    let total: number | null = null;
    if (response.status === 206) {
      const range = /bytes (\d+)-\d+\/(\d+|\*)/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== offset) {
        await response.body?.cancel();
        rmSync(part, { force: true });
        throw new Interrupted('unexpected range');
      }
      total = range[2] === '*' ? null : Number(range[2]);
    } else {
      offset = 0;
      const length = response.headers.get('content-length');
      total = length === null ? null : Number(length);
    }
    const out = await open(part, offset > 0 ? 'a' : 'w');
    let bytes = offset;
    try {
      options.onProgress?.(bytes, total);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        try {
          await out.write(chunk);
        } catch (err) {
          // A local write error (a full disk) is not a dropped connection: no retry.
          throw new AppError('IO_ERROR', `could not write ${part} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is the disk full?`);
        }
        bytes += chunk.length;
        options.onProgress?.(bytes, total);
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'download cancelled');
      throw new Interrupted((err as Error).message);
    } finally {
      await out.close();
    }
    if (total !== null && bytes < total) throw new Interrupted(`ended at ${megabytes(bytes)} of ${megabytes(total)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Where the cache keeps a catalogue file (its name in the bucket). */
function cachePath(entry: PretrainedFile): string {
  return join(weightsCacheDir(), entry.file.split('/').pop()!);
}

/** The catalogue file's path when an earlier download left it in the cache; else null (nothing is downloaded). */
export function cachedPretrained(entry: PretrainedFile): string | null {
  const path = cachePath(entry);
  return existsSync(path) ? path : null;
}

/**
 * Downloads a file into the cache folder: progress as bytes arrive, a `.part` file resumed with
 * HTTP Range after a dropped connection (also by the next run), the MD5 checked before the file
 * takes its name (a mismatch deletes it). A file already in the cache is used without the network.
 */
export async function downloadPretrained(entry: PretrainedFile, options: DownloadOptions = {}): Promise<DownloadResult> {
  const dir = weightsCacheDir();
  const path = cachePath(entry);
  const name = basename(path);
  if (existsSync(path)) return { path, downloaded: false, bytes: statSync(path).size };
  mkdirSync(dir, { recursive: true });
  const url = pretrainedUrl(entry);
  const part = `${path}.part`;
  const retries = options.retries ?? 3;
  for (let i = 0; ; i++) {
    try {
      await attempt(url, part, entry.md5, options);
      break;
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      if (i >= retries) {
        const have = existsSync(part) ? statSync(part).size : 0;
        throw new AppError('IO_ERROR', `the download of ${url} kept breaking off (${err.message}); ${megabytes(have)} are kept in ${part}: run the same command again to resume`);
      }
    }
  }
  if (entry.md5) {
    const actual = await fileMd5(part);
    if (actual !== entry.md5) {
      rmSync(part, { force: true });
      throw new AppError('IO_ERROR', `the downloaded ${name} has MD5 ${actual}, Keras publishes ${entry.md5}: the file was deleted; try again, or download ${url} yourself and pass --weights FILE`);
    }
  } else if (!startsWithHdf5Signature(part)) {
    // No published hash (MobileNetV2): at least never cache what is not HDF5 (an error page).
    rmSync(part, { force: true });
    throw new AppError('IO_ERROR', `what ${url} sent is not an HDF5 file: it was deleted; try again, or download it yourself and pass --weights FILE`);
  }
  renameSync(part, path);
  return { path, downloaded: true, bytes: statSync(path).size };
}

/**
 * `none`, `imagenet` or a file path → the file a new run starts from. `imagenet` downloads the
 * backbone's keras-applications file once (progress through onProgress); a backbone without
 * ImageNet weights, or a path that is not there, is refused before any run exists.
 */
export async function resolveInitialWeights(spec: string | undefined, backbone: string, options: DownloadOptions = {}): Promise<InitialWeights | null> {
  if (!spec || spec === 'none') return null;
  if (spec === 'imagenet') {
    const entry = IMAGENET_WEIGHTS[backbone];
    if (!entry) {
      throw new AppError(
        'BAD_REQUEST',
        `no ImageNet weights exist for the ${backbone} backbone (it is ours, not a keras-applications model): use --backbone ${Object.keys(IMAGENET_WEIGHTS).join(' or ')}, or --weights none`,
      );
    }
    return { source: 'imagenet', path: (await downloadPretrained(entry, options)).path };
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new AppError('NOT_FOUND', `weights file ${path} does not exist (--weights takes a Keras .h5 file, imagenet or none)`);
  return { source: 'file', path };
}

/** HDF5's 8-byte signature at offset 0 (where keras files have it; no user block). */
function startsWithHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    return head.equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
  } finally {
    closeSync(fd);
  }
}
