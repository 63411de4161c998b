/** The bytes of one image's thumbnail, as the backend sends them. */
export interface ThumbnailBytes {
  mime: string;
  bytes: Uint8Array;
}

export interface ThumbnailCacheOptions {
  /** Fetches in flight at once. */
  concurrency?: number;
  /** Most thumbnails kept, displayed ones included. */
  maxEntries?: number;
  /** Most blob bytes kept, displayed ones included. */
  maxBytes?: number;
}

/** A hold on one thumbnail: its blob URL is not revoked before `release()`. */
export interface ThumbnailLease {
  url: Promise<string>;
  release(): void;
}

interface Entry {
  url: Promise<string>;
  /** Set once the blob exists. */
  resolved: string | null;
  bytes: number;
  /** Leases not yet released: cards showing (or about to show) this thumbnail. */
  holders: number;
  /** Set while the fetch waits for a free slot, so that a card scrolled past can cancel it. */
  queued: QueuedFetch | null;
}

interface QueuedFetch {
  start(): void;
  cancel(): void;
}

export const THUMBNAIL_CACHE_DEFAULTS = { concurrency: 4, maxEntries: 2000, maxBytes: 64 * 1024 * 1024 } as const;

/**
 * Thumbnails as blob URLs. Fetched at most a few at a time, newest request first (the cards the
 * user is looking at now win over those scrolled past), and a queued fetch that no card wants any
 * more is dropped. The cache is capped by count and bytes: the least recently used thumbnails that
 * no card displays are revoked and forgotten, so scrolling through 50,000 images stays within bounds.
 */
export class ThumbnailCache {
  /** In least-recently-used order: a lease moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: QueuedFetch[] = [];
  private running = 0;
  private totalBytes = 0;
  /** Bumped by clear(), so a fetch that was in flight does not leak its URL into the emptied cache. */
  private generation = 0;
  private readonly concurrency: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(
    private readonly load: (id: number) => Promise<ThumbnailBytes>,
    options: ThumbnailCacheOptions = {},
  ) {
    this.concurrency = options.concurrency ?? THUMBNAIL_CACHE_DEFAULTS.concurrency;
    this.maxEntries = options.maxEntries ?? THUMBNAIL_CACHE_DEFAULTS.maxEntries;
    this.maxBytes = options.maxBytes ?? THUMBNAIL_CACHE_DEFAULTS.maxBytes;
  }

  /** Thumbnails kept now (fetched or on their way). */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes of the blobs kept now. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** The URL of a thumbnail already fetched, without holding it (for a first paint without a flash). */
  peek(id: number, version: string): string | null {
    return this.entries.get(key(id, version))?.resolved ?? null;
  }

  /**
   * Holds the thumbnail of an image, fetching it if needed; `version` (its sha256) keeps a
   * re-imported file from showing a stale picture. Release the lease when the card goes away.
   */
  acquire(id: number, version: string): ThumbnailLease {
    const k = key(id, version);
    let entry = this.entries.get(k);
    if (entry) this.entries.delete(k);
    else entry = this.createEntry(k, id);
    this.entries.set(k, entry);
    entry.holders++;
    const held = entry;
    let released = false;
    return {
      url: held.url,
      release: () => {
        if (released) return;
        released = true;
        held.holders--;
        if (held.holders === 0 && held.queued) this.cancel(k, held);
        else this.evict();
      },
    };
  }

  /** Revokes every blob URL and forgets them; later leases fetch afresh. */
  clear(): void {
    this.generation++;
    for (const queued of this.waiting.splice(0)) queued.cancel();
    for (const entry of this.entries.values()) {
      if (entry.resolved) URL.revokeObjectURL(entry.resolved);
      entry.queued = null;
    }
    this.entries.clear();
    this.totalBytes = 0;
  }

  private createEntry(k: string, id: number): Entry {
    const generation = this.generation;
    const entry: Entry = { url: Promise.resolve(''), resolved: null, bytes: 0, holders: 0, queued: null };
    entry.url = this.schedule(entry, async () => {
      const thumb = await this.load(id);
      if (generation !== this.generation) throw new Error('thumbnail cache cleared');
      const url = URL.createObjectURL(new Blob([thumb.bytes as Uint8Array<ArrayBuffer>], { type: thumb.mime }));
      if (this.entries.get(k) !== entry) {
        // Cancelled or cleared while the bytes were on their way.
        URL.revokeObjectURL(url);
        throw new Error('thumbnail no longer wanted');
      }
      entry.resolved = url;
      entry.bytes = thumb.bytes.byteLength;
      this.totalBytes += entry.bytes;
      this.evict();
      return url;
    });
    entry.url.catch(() => {
      if (this.entries.get(k) === entry) this.entries.delete(k);
    });
    return entry;
  }

  /** Drops a fetch that has not started because no card wants it any more. */
  private cancel(k: string, entry: Entry): void {
    const queued = entry.queued!;
    // After clear() the fetch is no longer waiting (and the entry no longer listed).
    const at = this.waiting.indexOf(queued);
    if (at >= 0) this.waiting.splice(at, 1);
    if (this.entries.get(k) === entry) this.entries.delete(k);
    entry.queued = null;
    queued.cancel();
  }

  /** Forgets the least recently used thumbnails that no card holds until both caps are met. */
  private evict(): void {
    if (this.entries.size <= this.maxEntries && this.totalBytes <= this.maxBytes) return;
    for (const [k, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalBytes <= this.maxBytes) return;
      if (entry.holders > 0 || !entry.resolved) continue;
      URL.revokeObjectURL(entry.resolved);
      this.totalBytes -= entry.bytes;
      this.entries.delete(k);
    }
  }

  private schedule(entry: Entry, task: () => Promise<string>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const start = () => {
        entry.queued = null;
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.pop()?.start();
          });
      };
      if (this.running < this.concurrency) start();
      else {
        entry.queued = { start, cancel: () => reject(new Error('thumbnail no longer wanted')) };
        this.waiting.push(entry.queued);
      }
    });
  }
}

function key(id: number, version: string): string {
  return `${id}:${version}`;
}
