import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThumbnailCache, type ThumbnailBytes } from '../../../../renderer/state/thumbnailCache';

/** A backend whose thumbnail replies the test releases by hand, each `bytes` long. */
function fakeBackend(bytes = 100) {
  const pending = new Map<number, () => void>();
  const load = vi.fn(
    (id: number) =>
      new Promise<ThumbnailBytes>((resolve) => pending.set(id, () => resolve({ mime: 'image/jpeg', bytes: new Uint8Array(bytes).fill(id % 256) }))),
  );
  const reply = async (id: number) => {
    pending.get(id)!();
    pending.delete(id);
    await flush();
  };
  return { load, pending, reply };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ThumbnailCache', () => {
  const created: string[] = [];
  const revoked: string[] = [];
  beforeEach(() => {
    created.length = 0;
    revoked.length = 0;
    const create = URL.createObjectURL.bind(URL);
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const url = create(blob as Blob);
      created.push(url);
      return url;
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url));
  });
  afterEach(() => vi.restoreAllMocks());

  it('fetches a thumbnail once and shares its URL between leases', async () => {
    const backend = fakeBackend();
    const cache = new ThumbnailCache(backend.load);
    const a = cache.acquire(1, 'v1');
    const b = cache.acquire(1, 'v1');
    await backend.reply(1);
    expect(await a.url).toBe(await b.url);
    expect(backend.load).toHaveBeenCalledTimes(1);
    expect(cache.peek(1, 'v1')).toBe(await a.url);
    expect(cache.peek(1, 'v2')).toBeNull();
  });

  it('keeps at most maxEntries, evicting the least recently used and revoking their URLs', async () => {
    const backend = fakeBackend();
    const cache = new ThumbnailCache(backend.load, { maxEntries: 3, concurrency: 10 });
    const urls: string[] = [];
    for (const id of [1, 2, 3]) {
      const lease = cache.acquire(id, 'v');
      await backend.reply(id);
      urls.push(await lease.url);
      lease.release();
    }
    // Touch 1, so 2 is now the least recently used.
    cache.acquire(1, 'v').release();
    const lease4 = cache.acquire(4, 'v');
    await backend.reply(4);
    await lease4.url;
    expect(cache.size).toBe(3);
    expect(revoked).toEqual([urls[1]]);
    expect(cache.peek(2, 'v')).toBeNull();
    expect(cache.peek(1, 'v')).toBe(urls[0]);
  });

  it('never revokes a thumbnail a card still holds, and evicts it once released', async () => {
    const backend = fakeBackend();
    const cache = new ThumbnailCache(backend.load, { maxEntries: 2, concurrency: 10 });
    const held = [1, 2, 3].map((id) => cache.acquire(id, 'v'));
    for (const id of [1, 2, 3]) await backend.reply(id);
    // Over the cap, but every thumbnail is on screen.
    expect(cache.size).toBe(3);
    expect(revoked).toEqual([]);
    held[0].release();
    expect(cache.size).toBe(2);
    expect(revoked).toEqual([await held[0].url]);
  });

  it('caps the blob bytes as well as the count', async () => {
    const backend = fakeBackend(1000);
    const cache = new ThumbnailCache(backend.load, { maxBytes: 2500, concurrency: 10 });
    for (const id of [1, 2, 3, 4]) {
      const lease = cache.acquire(id, 'v');
      await backend.reply(id);
      await lease.url;
      lease.release();
    }
    expect(cache.bytes).toBe(2000);
    expect(cache.size).toBe(2);
    expect(revoked).toHaveLength(2);
  });

  it('drops a queued fetch that no card wants any more, and fetches the newest request first', async () => {
    const backend = fakeBackend();
    const cache = new ThumbnailCache(backend.load, { concurrency: 1 });
    const first = cache.acquire(1, 'v');
    const scrolledPast = cache.acquire(2, 'v');
    const newest = cache.acquire(3, 'v');
    scrolledPast.release();
    await expect(scrolledPast.url).rejects.toThrow();
    await backend.reply(1);
    await first.url;
    expect(backend.load.mock.calls.map(([id]) => id)).toEqual([1, 3]);
    await backend.reply(3);
    await newest.url;
    expect(backend.load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(2);
  });

  it('forgets a failed fetch so that a later lease tries again', async () => {
    const load = vi.fn<(id: number) => Promise<ThumbnailBytes>>().mockRejectedValueOnce(new Error('gone'));
    load.mockResolvedValue({ mime: 'image/png', bytes: new Uint8Array(4) });
    const cache = new ThumbnailCache(load);
    await expect(cache.acquire(7, 'v').url).rejects.toThrow('gone');
    await flush();
    expect(cache.size).toBe(0);
    await expect(cache.acquire(7, 'v').url).resolves.toMatch(/^blob:/);
  });

  it('clear() revokes every URL and a fetch still in flight leaks none', async () => {
    const backend = fakeBackend();
    const cache = new ThumbnailCache(backend.load);
    const done = cache.acquire(1, 'v');
    await backend.reply(1);
    const inFlight = cache.acquire(2, 'v');
    cache.clear();
    expect(revoked).toEqual([await done.url]);
    await backend.reply(2);
    await expect(inFlight.url).rejects.toThrow();
    expect(created).toHaveLength(1);
    expect(revoked).toHaveLength(1);
    expect(cache.size).toBe(0);
  });

  it('a lease from before clear() releasing later does not drop a fetch queued after it', async () => {
    const backend = fakeBackend();
    const cache = new ThumbnailCache(backend.load, { concurrency: 1 });
    const a = cache.acquire(1, 'v1');
    const b = cache.acquire(2, 'v1');
    a.url.catch(() => undefined);
    b.url.catch(() => undefined);
    cache.clear();
    const c = cache.acquire(3, 'v1');
    const d = cache.acquire(4, 'v1');
    b.release();
    for (let i = 0; i < 6; i++) {
      const next = [...backend.pending.keys()][0];
      if (next !== undefined) await backend.reply(next);
      await flush();
    }
    await expect(c.url).resolves.toMatch(/^blob:/);
    await expect(d.url).resolves.toMatch(/^blob:/);
  }, 5_000);
});
