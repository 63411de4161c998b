import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ImportReport } from '../../../shared/domain/images';
import { Backend } from '../../../electron/backend/backend';
import { tempDir } from '../../fixtures/images';

let root: string;
let small: string;
let mounted = false;
let backend: Backend;

beforeEach(() => {
  root = tempDir();
  small = join(root, 'small-disk');
  mkdirSync(small);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
  backend = new Backend({ mode: 'browser', version: 'test' });
});
afterEach(async () => {
  await backend.dispose();
  if (mounted) execFileSync('umount', [small]);
  rmSync(root, { recursive: true, force: true });
});

/** A PNG of noise, so it takes its full size on disk (about 300 kB). */
const noisyPng = async (seed: number) =>
  new Uint8Array(await sharp({ create: { width: 320, height: 320, channels: 3, background: { r: seed, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer());

it('dropped files on a full disk: each file is added or reported, none is left half written', async (ctx) => {
  if (!mounted) ctx.skip(); // needs root to mount a small tmpfs that fills up
  const created = await backend.invoke('project:create', { path: join(small, 'p'), preset: 'voc' });
  expect(created).toMatchObject({ ok: true });
  const files = await Promise.all(['a.png', 'b.png', 'c.png', 'd.png', 'e.png'].map(async (name, i) => ({ name, bytes: await noisyPng(i * 40) })));
  const done = new Promise<ImportReport>((resolve) => backend.events.once('images:importDone', (e) => resolve(e.report)));
  const started = await backend.invoke('images:upload', { files });
  expect(started, JSON.stringify(started)).toMatchObject({ ok: true });
  const report = await done;
  const full = report.skipped.filter((s) => s.reason === 'disk_full');
  expect(report.added).toBeGreaterThan(0);
  expect(full.length).toBeGreaterThan(0);
  expect(report.added + full.length).toBe(files.length);
  for (const s of full) expect(s.message).toMatch(/disk is full/);
  // What stays in the uploads folder is whole: a file cut short by the full disk is removed again.
  const uploads = join(small, 'p', 'images', 'uploads');
  for (const folder of readdirSync(uploads)) {
    for (const name of readdirSync(join(uploads, folder))) {
      const original = files.find((f) => name.endsWith(f.name))!;
      expect(statSync(join(uploads, folder, name)).size).toBe(original.bytes.byteLength);
    }
  }
});

it('dropped files that are not added (already in the project, unreadable) are not kept in the project folder', async () => {
  expect(await backend.invoke('project:create', { path: join(root, 'p'), preset: 'voc' })).toMatchObject({ ok: true });
  const files = [
    { name: 'a.png', bytes: await noisyPng(1) },
    { name: 'junk.png', bytes: new Uint8Array([1, 2, 3]) },
  ];
  const upload = async () => {
    const done = new Promise<ImportReport>((resolve) => backend.events.once('images:importDone', (e) => resolve(e.report)));
    expect(await backend.invoke('images:upload', { files })).toMatchObject({ ok: true });
    return done;
  };
  expect(await upload()).toMatchObject({ added: 1, skipped: [{ reason: 'corrupt' }] });
  // Files are imported concurrently: the report lists the skipped ones in the order they finished.
  const second = await upload();
  expect(second.added).toBe(0);
  expect(second.skipped.map((s) => s.reason).sort()).toEqual(['corrupt', 'duplicate']);
  const uploads = join(root, 'p', 'images', 'uploads');
  const kept = readdirSync(uploads).flatMap((folder) => readdirSync(join(uploads, folder)));
  expect(kept).toEqual(['0000-a.png']);
});

it('two drops at once keep every file (same names, same millisecond)', async () => {
  expect(await backend.invoke('project:create', { path: join(root, 'p'), preset: 'voc' })).toMatchObject({ ok: true });
  const reports: ImportReport[] = [];
  const both = new Promise<void>((resolve) =>
    backend.events.on('images:importDone', (e) => {
      reports.push(e.report);
      if (reports.length === 2) resolve();
    }),
  );
  const drops = await Promise.all([1, 2].map(async (seed) => [{ name: 'a.png', bytes: await noisyPng(seed) }]));
  vi.useFakeTimers({ toFake: ['Date'] }); // the clock stands still: both drops are stamped alike
  try {
    const started = await Promise.all(drops.map((files) => backend.invoke('images:upload', { files })));
    expect(started).toMatchObject([{ ok: true }, { ok: true }]);
  } finally {
    vi.useRealTimers();
  }
  await both;
  expect(reports.map((r) => r.added)).toEqual([1, 1]);
  const listed = await backend.invoke('images:verifyFiles', {});
  expect(listed).toMatchObject({ ok: true, value: { missing: 0, modified: 0 } });
});
