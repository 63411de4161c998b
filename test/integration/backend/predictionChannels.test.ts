import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageRow } from '../../../shared/domain/images';
import { encodeMaskPng } from '../../../shared/mask/maskPng';
import { Backend } from '../../../electron/backend/backend';
import { tempDir, writeImage } from '../../fixtures/images';

let root: string;
let backend: Backend;

/** The reply's value; a test fails with the reply's error where there is one. */
async function call<T = unknown>(channel: string, request: unknown = {}): Promise<T> {
  const reply = await backend.invoke(channel, request);
  expect(reply).toMatchObject({ ok: true });
  return (reply as { value: T }).value;
}

async function errorOf(channel: string, request: unknown): Promise<{ code: string; message: string }> {
  const reply = await backend.invoke(channel, request);
  expect(reply).toMatchObject({ ok: false });
  return (reply as { error: { code: string; message: string } }).error;
}

/** A VOC project holding one 8×6 PNG, open in the backend; returns the image. */
async function projectWithOneImage(): Promise<ImageRow> {
  await call('project:create', { path: join(root, 'p'), preset: 'voc' });
  await writeImage(join(root, 'a.png'), 8, 6, 'png');
  const imported = new Promise((resolve) => backend.events.once('images:importDone', resolve));
  await call('images:import', { paths: [join(root, 'a.png')] });
  await imported;
  return (await call<ImageRow[]>('images:list', {}))[0];
}

beforeEach(() => {
  root = tempDir();
  backend = new Backend({ mode: 'browser', version: 'test' });
});
afterEach(() => backend.dispose().finally(() => rmSync(root, { recursive: true, force: true })));

describe('predictions channels', () => {
  it('answer every bad request with a clear error and lose nothing', async () => {
    expect((await errorOf('predictions:list', {})).code).toBe('NO_PROJECT');
    const image = await projectWithOneImage();

    // No run yet: empty lists, no prediction, and starting one says what to do first.
    expect(await call('predictions:list', {})).toEqual({ runId: null, predictions: [] });
    expect(await call('predictions:queue', { kind: 'uncertain' })).toEqual({ runId: null, entries: [] });
    expect(await call('predictions:get', { imageId: image.id })).toBeNull();
    expect(await errorOf('predictions:start', { target: { kind: 'unlabeled' } })).toMatchObject({ code: 'NOT_FOUND', message: /train a model first/ });
    expect(await errorOf('predictions:start', { runId: 7, target: { kind: 'unlabeled' } })).toMatchObject({ code: 'NOT_FOUND', message: 'run 7 does not exist' });

    // Malformed requests stop at the edge.
    expect((await errorOf('predictions:start', { target: { kind: 'images', ids: [] } })).code).toBe('BAD_REQUEST');
    expect((await errorOf('predictions:start', { target: { kind: 'everything' } })).code).toBe('BAD_REQUEST');
    expect((await errorOf('predictions:queue', { kind: 'random' })).code).toBe('BAD_REQUEST');
    expect((await errorOf('predictions:get', { imageId: -1 })).code).toBe('BAD_REQUEST');
    expect(await errorOf('predictions:get', { imageId: 999 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf('predictions:accepted', { imageId: 999 })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an accepted prediction makes a labeled image "needs review" until it is marked done', async () => {
    const image = await projectWithOneImage();
    await call('labels:save', { imageId: image.id, baseVersion: 0, png: encodeMaskPng({ width: 8, height: 6, values: new Uint8Array(48).fill(1) }) });
    await call('predictions:accepted', { imageId: image.id });
    expect((await call<ImageRow[]>('images:list', { status: 'needs_review' })).map((r) => r.id)).toEqual([image.id]);
    expect((await call<{ statuses: Record<string, number> }>('project:status')).statuses).toMatchObject({ needs_review: 1, in_progress: 0 });
    await call('images:setDone', { ids: [image.id], done: true });
    expect((await call<ImageRow[]>('images:list', {}))[0].status).toBe('done');
    await call('images:setDone', { ids: [image.id], done: false });
    expect((await call<ImageRow[]>('images:list', {}))[0].status).toBe('in_progress');
  });
});
