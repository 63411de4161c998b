import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/contract/errors';
import type { ImportReport } from '../../../shared/domain/images';
import { decodeMaskPng } from '../../../shared/mask/maskPng';
import { Backend } from '../../../electron/backend/backend';
import { tempDir, writeImage, writeMask } from '../../fixtures/images';

let root: string;
let backend: Backend;

async function call<T = unknown>(channel: string, request: unknown = {}): Promise<T> {
  const result = await backend.invoke(channel, request);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function importAndWait(paths: string[], extra: Record<string, unknown> = {}): Promise<ImportReport> {
  const done = new Promise<ImportReport>((resolve) => backend.events.once('images:importDone', (e) => resolve(e.report)));
  await call('images:import', { paths, ...extra });
  return done;
}

beforeEach(() => {
  root = tempDir();
  backend = new Backend({ mode: 'browser', version: 'test' });
});
afterEach(async () => {
  await backend.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('Backend.invoke', () => {
  it('validates requests at the edge and answers {code, message}', async () => {
    const unknown = await backend.invoke('nope:nothing', {});
    expect(unknown).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'unknown channel "nope:nothing"' } });
    const bad = (await backend.invoke('project:create', { path: '', preset: 'coco' })) as Extract<Result<unknown>, { ok: false }>;
    expect(bad.error.code).toBe('BAD_REQUEST');
    expect(bad.error.message).toMatch(/choose a project folder/);
    const noProject = (await backend.invoke('images:list', {})) as Extract<Result<unknown>, { ok: false }>;
    expect(noProject.error.code).toBe('NO_PROJECT');
  });

  it('creates a project, refuses to create it twice, and reopens it', async () => {
    const path = join(root, 'p');
    const summary = await call<{ path: string; name: string }>('project:create', { path, preset: 'voc' });
    expect(summary).toMatchObject({ path, name: 'p' });
    expect(await call<unknown[]>('classes:list')).toHaveLength(21);
    const again = await backend.invoke('project:create', { path, preset: 'voc' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await call('project:close');
    await call('project:open', { path });
    expect((await call<{ project: { path: string } }>('app:info')).project.path).toBe(path);
    const missing = await backend.invoke('project:open', { path: join(root, 'nothing') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('classes', () => {
  beforeEach(async () => {
    await call('project:create', { path: join(root, 'p'), preset: 'none' });
  });

  it('adds, renames, recolours and reorders without touching mask values', async () => {
    const announced: unknown[] = [];
    backend.events.on('classes:changed', ({ classes }) => announced.push(classes));
    const sky = await call<{ id: number; value: number }>('classes:add', { name: 'sky', color: '#87ceeb' });
    const road = await call<{ id: number; value: number }>('classes:add', { name: 'road', color: '#804080' });
    expect([sky.value, road.value]).toEqual([0, 1]);
    expect(await backend.invoke('classes:add', { name: 'SKY', color: '#000000' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await backend.invoke('classes:add', { name: 'x', color: 'blue' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await call('classes:update', { id: sky.id, name: 'heaven', color: '#000080' });
    const reordered = await call<Array<{ name: string; value: number }>>('classes:reorder', { ids: [road.id, sky.id] });
    expect(reordered.map((c) => [c.name, c.value])).toEqual([
      ['road', 1],
      ['heaven', 0],
    ]);
    expect(await backend.invoke('classes:reorder', { ids: [road.id] })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Each change announces the whole class set as classes:list gives it (a refused one announces nothing).
    expect(announced).toHaveLength(4);
    expect(announced.at(-1)).toEqual(await call('classes:list'));
  });

  it('warns how many labeled pixels a delete affects, then unlabels exactly those', async () => {
    const a = await call<{ id: number; value: number }>('classes:add', { name: 'a', color: '#ff0000' });
    const b = await call<{ id: number; value: number }>('classes:add', { name: 'b', color: '#00ff00' });
    const images = join(root, 'imgs');
    const labels = join(root, 'labels');
    (await import('node:fs')).mkdirSync(images);
    (await import('node:fs')).mkdirSync(labels);
    await writeImage(join(images, 'one.png'), 4, 2, 'png', 1);
    await writeImage(join(images, 'two.png'), 4, 2, 'png', 2);
    writeMask(join(labels, 'one.png'), 4, 2, (x) => (x < 3 ? a.value : b.value));
    writeMask(join(labels, 'two.png'), 4, 2, () => b.value);
    // Labels arrive through the CLI's import service; here the backend's project is used directly.
    const { importImages } = await import('../../../electron/backend/importService');
    const { indexPngSource } = await import('../../../electron/backend/interop/labelSources');
    const { Project } = await import('../../../electron/backend/project');
    await call('project:close');
    const project = Project.open(join(root, 'p'));
    await importImages(project, { paths: [images], labels: indexPngSource(labels, []) });
    project.close();
    await call('project:open', { path: join(root, 'p') });

    expect(await call('classes:deleteImpact', { id: a.id })).toEqual({ labeledPixels: 6, images: 1 });
    expect(await call('classes:delete', { id: a.id })).toEqual({ labeledPixels: 6, images: 1 });
    expect((await call<unknown[]>('classes:list')).length).toBe(1);
    const rows = await call<Array<{ fileName: string; labeledFraction: number }>>('images:list', { sort: 'name' });
    expect(rows.map((r) => [r.fileName, r.labeledFraction])).toEqual([
      ['one.png', 0.25],
      ['two.png', 1],
    ]);
    await call('project:close');
    const reopened = Project.open(join(root, 'p'));
    const mask = decodeMaskPng(reopened.masks.current(reopened.images.list({ sort: 'name', descending: false })[0].id)!.png);
    expect([...mask.values]).toEqual([255, 255, 255, b.value, 255, 255, 255, b.value]);
    reopened.close();
  });
});

describe('images', () => {
  beforeEach(async () => {
    await call('project:create', { path: join(root, 'p'), preset: 'camvid' });
  });

  it('imports in the background with progress and a report, then lists, filters and sorts', async () => {
    const dir = join(root, 'imgs');
    (await import('node:fs')).mkdirSync(dir);
    for (const name of ['b', 'a', 'c']) await writeImage(join(dir, `${name}.jpg`), 20, 10, 'jpeg', name.charCodeAt(0));
    const progress: number[] = [];
    backend.events.on('images:importProgress', (p) => progress.push(p.done));
    const report = await importAndWait([dir], { split: 'train' });
    expect(report.added).toBe(3);
    expect(progress.at(-1)).toBe(3);

    const names = async (request: object) => (await call<Array<{ fileName: string }>>('images:list', request)).map((r) => r.fileName);
    expect(await names({ sort: 'name' })).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(await names({ sort: 'name', descending: true })).toEqual(['c.jpg', 'b.jpg', 'a.jpg']);
    expect(await names({ search: 'b' })).toEqual(['b.jpg']);
    expect(await names({ search: '%' })).toEqual([]);
    expect(await names({ split: 'val' })).toEqual([]);

    const [first] = await call<Array<{ id: number }>>('images:list', { sort: 'name' });
    await call('images:setDone', { ids: [first.id], done: true });
    expect(await names({ status: 'done' })).toEqual(['a.jpg']);
    const thumb = await call<{ mime: string; bytes: Uint8Array }>('images:thumbnail', { id: first.id });
    expect(thumb.bytes).toBeInstanceOf(Uint8Array);
    const status = await call<{ images: number; splits: Record<string, number> }>('project:status');
    expect(status).toMatchObject({ images: 3, classes: 11, splits: { train: 3, val: 0, test: 0, unassigned: 0 } });
  });

  it('splits automatically with a seed: the same seed gives the same split', async () => {
    const dir = join(root, 'imgs');
    (await import('node:fs')).mkdirSync(dir);
    for (let i = 0; i < 20; i++) await writeImage(join(dir, `i${i}.png`), 8, 8, 'png', i);
    await importAndWait([dir]);
    const splitOf = async () => (await call<Array<{ fileName: string; split: string }>>('images:list', {})).map((r) => `${r.fileName}:${r.split}`);

    const counts = await call('images:autoSplit', { seed: 7, train: 0.7, val: 0.2, test: 0.1 });
    expect(counts).toEqual({ train: 14, val: 4, test: 2, unassigned: 0 });
    const first = await splitOf();
    await call('images:autoSplit', { seed: 7, train: 0.7, val: 0.2, test: 0.1, onlyUnassigned: false });
    expect(await splitOf()).toEqual(first);
    await call('images:autoSplit', { seed: 8, train: 0.7, val: 0.2, test: 0.1, onlyUnassigned: false });
    expect(await splitOf()).not.toEqual(first);
    expect(await backend.invoke('images:autoSplit', { seed: 1, train: 0.5, val: 0.2, test: 0.1 })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/add up to 1/) },
    });
  });

  it('imports dropped files from their bytes into the project folder', async () => {
    const sharp = (await import('sharp')).default;
    const bytes = new Uint8Array(await sharp({ create: { width: 12, height: 9, channels: 3, background: '#336699' } }).png().toBuffer());
    const done = new Promise<ImportReport>((resolve) => backend.events.once('images:importDone', (e) => resolve(e.report)));
    await call('images:upload', { files: [{ name: '../../evil name.png', bytes }, { name: 'junk.jpg', bytes: new Uint8Array([1, 2, 3]) }] });
    const report = await done;
    expect(report.added).toBe(1);
    expect(report.skipped[0]).toMatchObject({ reason: 'corrupt' });
    const [row] = await call<Array<{ path: string; width: number }>>('images:list', {});
    expect(row.width).toBe(12);
    expect(row.path.startsWith(join(root, 'p', 'images', 'uploads'))).toBe(true);
  });
});

describe('export and formatted import through the backend', () => {
  it('exports in the background with progress, refuses a used folder at once, and imports the export back', async () => {
    await call('project:create', { path: join(root, 'p'), preset: 'camvid' });
    const dir = join(root, 'imgs');
    const labels = join(root, 'labels');
    (await import('node:fs')).mkdirSync(dir);
    (await import('node:fs')).mkdirSync(labels);
    for (const name of ['a', 'b']) {
      await writeImage(join(dir, `${name}.png`), 6, 5, 'png', name.charCodeAt(0));
      writeMask(join(labels, `${name}.png`), 6, 5, (x, y) => (x + y) % 4);
    }
    const imported = await importAndWait([dir], { format: 'png-gray', labels });
    expect(imported.labelsAdded).toBe(2);

    const out = join(root, 'out');
    const done = new Promise<{ report: { written: number } | null }>((resolve) => backend.events.once('export:done', resolve));
    await call('export:start', { format: 'coco', outDir: out });
    expect((await done).report?.written).toBe(2);
    expect(await backend.invoke('export:start', { format: 'coco', outDir: out })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    await call('project:create', { path: join(root, 'q'), preset: 'camvid' });
    const back = await importAndWait([dir], { format: 'coco', labels: join(out, 'annotations.json') });
    expect(back).toMatchObject({ added: 2, labelsAdded: 2, skipped: [] });
    expect(await backend.invoke('images:import', { paths: [dir], format: 'voc' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/JPEGImages/) },
    });
  });
});
