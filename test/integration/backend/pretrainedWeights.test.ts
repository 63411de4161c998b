import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RendererEvents } from '../../../shared/contract/rendererContract';
import { Backend } from '../../../electron/backend/backend';
import type { MlSupervisor } from '../../../electron/backend/mlSupervisor';
import { Project } from '../../../electron/backend/project';
import { downloadPretrained, resolveInitialWeights, weightsCacheDir, type PretrainedFile } from '../../../electron/backend/training/pretrainedWeights';
import { tempDir } from '../../fixtures/images';
import { createRectangleProject } from '../../fixtures/trainingProject';

const body = randomBytes(3 * 2 ** 20 + 12345);
const md5 = createHash('md5').update(body).digest('hex');
const entry: PretrainedFile = { kerasModel: 'VGG16', file: 'vgg16/weights.h5', md5, size: '3 MiB' };

/** How the test server answers the next requests. */
let behaviour: 'ranges' | 'drop-first' | 'always-drop' | 'no-ranges' | 'stall' = 'ranges';
let requests: Array<{ url: string; range: string | undefined }> = [];
let server: Server;
let base: string;
let cache: string;

function serve(req: IncomingMessage, res: ServerResponse): void {
  requests.push({ url: req.url!, range: req.headers.range });
  if (req.url!.startsWith('/moved/')) {
    res.writeHead(302, { location: req.url!.replace('/moved/', '/files/') }).end();
    return;
  }
  if (!req.url!.startsWith('/files/') || !req.url!.endsWith('.h5')) {
    res.writeHead(404).end();
    return;
  }
  const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
  const start = range && behaviour !== 'no-ranges' ? Number(range[1]) : 0;
  if (start >= body.length) {
    // What storage servers answer for a range past the end.
    res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    return;
  }
  if (start > 0) res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
  else res.writeHead(200, { 'content-length': body.length });
  if (behaviour === 'stall') {
    // Half the file, then nothing (the connection stays open until the client gives up).
    res.write(body.subarray(start, start + Math.floor((body.length - start) / 2)));
    return;
  }
  const drop = behaviour === 'always-drop' || (behaviour === 'drop-first' && requests.length === 1);
  if (drop) {
    // Half of what is left, then the connection dies mid-body.
    res.write(body.subarray(start, start + Math.floor((body.length - start) / 2)), () => res.socket?.destroy());
    return;
  }
  res.end(body.subarray(start));
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  behaviour = 'ranges';
  requests = [];
  cache = tempDir();
  process.env.FCN_STUDIO_WEIGHTS_DIR = cache;
  process.env.FCN_STUDIO_WEIGHTS_URL = base;
});
afterEach(() => {
  delete process.env.FCN_STUDIO_WEIGHTS_DIR;
  delete process.env.FCN_STUDIO_WEIGHTS_URL;
  rmSync(cache, { recursive: true, force: true });
});

describe('ImageNet weights download', () => {
  it('downloads with progress, checks the MD5, and later uses the cached file without the network', async () => {
    const progress: Array<[number, number | null]> = [];
    const result = await downloadPretrained(entry, { onProgress: (bytes, total) => progress.push([bytes, total]) });
    expect(result).toEqual({ path: join(cache, 'weights.h5'), downloaded: true, bytes: body.length });
    expect(readFileSync(result.path).equals(body)).toBe(true);
    expect(progress.at(-1)).toEqual([body.length, body.length]);
    expect(progress.every(([, total]) => total === body.length)).toBe(true);
    expect(readdirSync(cache)).toEqual(['weights.h5']);

    process.env.FCN_STUDIO_WEIGHTS_URL = 'http://127.0.0.1:9/';
    expect(await downloadPretrained(entry)).toEqual({ path: result.path, downloaded: false, bytes: body.length });
    expect(requests).toHaveLength(1);
  });

  it('resumes with a Range request after the server drops the connection mid-file', async () => {
    behaviour = 'drop-first';
    const progress: number[] = [];
    const result = await downloadPretrained(entry, { onProgress: (bytes) => progress.push(bytes) });
    expect(readFileSync(result.path).equals(body)).toBe(true);
    expect(requests).toHaveLength(2);
    expect(requests[0].range).toBeUndefined();
    const resumedAt = Number(/bytes=(\d+)-/.exec(requests[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(body.length);
    // Progress never goes back: the second attempt continues from the bytes already on disk.
    expect(progress.every((b, i) => i === 0 || b >= progress[i - 1])).toBe(true);
  });

  it('keeps the partial file when the connection keeps breaking, and the next run resumes it', async () => {
    behaviour = 'always-drop';
    await expect(downloadPretrained(entry, { retries: 1 })).rejects.toThrow(/kept breaking off .* are kept in .*weights\.h5\.part: run the same command again to resume/);
    const kept = statSync(join(cache, 'weights.h5.part')).size;
    expect(kept).toBeGreaterThan(0);
    behaviour = 'ranges';
    requests = [];
    const result = await downloadPretrained(entry);
    expect(readFileSync(result.path).equals(body)).toBe(true);
    expect(requests).toEqual([{ url: '/files/vgg16/weights.h5', range: `bytes=${kept}-` }]);
  });

  it('starts over when the server ignores Range (200 instead of 206)', async () => {
    writeFileSync(join(cache, 'weights.h5.part'), body.subarray(0, 1000));
    behaviour = 'no-ranges';
    const result = await downloadPretrained(entry);
    expect(requests[0].range).toBe('bytes=1000-');
    expect(readFileSync(result.path).equals(body)).toBe(true);
  });

  it('takes a partial file that is already whole to the hash check instead of downloading it again', async () => {
    writeFileSync(join(cache, 'weights.h5.part'), body);
    const result = await downloadPretrained(entry);
    expect(requests).toEqual([{ url: '/files/vgg16/weights.h5', range: `bytes=${body.length}-` }]);
    expect(readFileSync(result.path).equals(body)).toBe(true);
  });

  it('never caches a file without a published hash that is not HDF5 (an error page, say)', async () => {
    await expect(downloadPretrained({ ...entry, md5: null })).rejects.toThrow(/is not an HDF5 file: it was deleted/);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('follows redirects', async () => {
    process.env.FCN_STUDIO_WEIGHTS_URL = base.replace('/files/', '/moved/');
    const result = await downloadPretrained(entry);
    expect(readFileSync(result.path).equals(body)).toBe(true);
    expect(requests.map((r) => r.url)).toEqual(['/moved/vgg16/weights.h5', '/files/vgg16/weights.h5']);
  });

  it('deletes a download whose MD5 is not the published one', async () => {
    const wrong = { ...entry, md5: '0'.repeat(32) };
    await expect(downloadPretrained(wrong)).rejects.toThrow(`has MD5 ${md5}, Keras publishes ${'0'.repeat(32)}: the file was deleted`);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('says how to get the file by hand when the host cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    process.env.FCN_STUDIO_WEIGHTS_URL = `http://${host}/keras-applications/`;
    await expect(downloadPretrained(entry)).rejects.toThrow(
      `could not reach ${host} (ECONNREFUSED): no network? Download http://${host}/keras-applications/vgg16/weights.h5 yourself (its MD5 is ${md5}) and pass --weights FILE`,
    );
    expect(readdirSync(cache)).toEqual([]);
  });

  it('answers none, a file path, and refuses imagenet for a backbone without ImageNet weights', async () => {
    expect(await resolveInitialWeights('none', 'small')).toBeNull();
    expect(await resolveInitialWeights(undefined, 'vgg16')).toBeNull();
    const file = join(cache, 'mine.h5');
    writeFileSync(file, 'x');
    expect(await resolveInitialWeights(file, 'small')).toEqual({ source: 'file', path: file });
    await expect(resolveInitialWeights(join(cache, 'absent.h5'), 'small')).rejects.toThrow('absent.h5 does not exist');
    await expect(resolveInitialWeights('imagenet', 'small')).rejects.toThrow('no ImageNet weights exist for the small backbone');
    expect(existsSync(weightsCacheDir())).toBe(true);
  });
});

describe('ImageNet weights from the app', () => {
  it('runs:start reports the download and ends with its error, before any run exists', async () => {
    const projectDir = join(cache, 'p');
    (await createRectangleProject(projectDir, join(cache, 'data'), { count: 2, size: 32 })).close();
    // The download fails its MD5 check (this server's bytes are not VGG16's) before the ML process is asked anything.
    const ml = { on() {}, off() {}, stop: async () => {}, status: () => ({ state: 'ready', pid: 1, restarts: 0, lastError: null }) } as unknown as MlSupervisor;
    const backend = new Backend({ mode: 'browser', version: 'test', ml });
    try {
      expect(await backend.invoke('project:open', { path: projectDir })).toMatchObject({ ok: true });
      const downloads: Array<RendererEvents['runs:download']> = [];
      backend.events.on('runs:download', (e) => downloads.push(e));
      const done = new Promise<RendererEvents['runs:done']>((resolve) => backend.events.once('runs:done', resolve));
      const started = await backend.invoke('runs:start', { backbone: 'vgg16', weights: 'imagenet' });
      expect(started).toMatchObject({ ok: true });
      const outcome = await done;
      expect(outcome.error?.message).toContain(`vgg16_weights_tf_dim_ordering_tf_kernels.h5 has MD5 ${md5}, Keras publishes 64373286793e3c8b2b4e3219cbf3544b`);
      expect(outcome.runId).toBeNull();
      expect(downloads.length).toBeGreaterThan(0);
      expect(downloads.at(-1)).toMatchObject({ bytes: body.length, total: body.length });
      expect(requests.map((r) => r.url)).toEqual(['/files/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5']);
    } finally {
      await backend.dispose();
    }
  });

  it('a cancel during the download ends as a cancel (not an error), with no run left behind', async () => {
    const projectDir = join(cache, 'p2');
    (await createRectangleProject(projectDir, join(cache, 'data2'), { count: 2, size: 32 })).close();
    // The server sends half the file and then stalls, so the cancel lands mid-download.
    behaviour = 'stall';
    const ml = { on() {}, off() {}, stop: async () => {}, status: () => ({ state: 'ready', pid: 1, restarts: 0, lastError: null }) } as unknown as MlSupervisor;
    const backend = new Backend({ mode: 'browser', version: 'test', ml });
    try {
      expect(await backend.invoke('project:open', { path: projectDir })).toMatchObject({ ok: true });
      const firstBytes = new Promise<void>((resolve) => backend.events.once('runs:download', () => resolve()));
      const done = new Promise<RendererEvents['runs:done']>((resolve) => backend.events.once('runs:done', resolve));
      const started = await backend.invoke('runs:start', { backbone: 'vgg16', weights: 'imagenet' });
      expect(started.ok).toBe(true);
      await firstBytes;
      const jobId = (started as { ok: true; value: { jobId: string } }).value.jobId;
      expect(await backend.invoke('runs:cancel', { jobId })).toMatchObject({ ok: true, value: { cancelled: true } });
      expect(await done).toMatchObject({ runId: null, stoppedBy: 'cancel', error: null });
      const reopened = Project.open(projectDir);
      try {
        expect(reopened.runs.all()).toEqual([]);
      } finally {
        reopened.close();
      }
    } finally {
      await backend.dispose();
    }
  });
});
