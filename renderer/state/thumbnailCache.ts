import type { StudioClient } from '../api/client';

/**
 * Thumbnails as blob URLs, fetched at most a few at a time (newest request first, so the cards
 * the user is looking at now win over those scrolled past) and cached until the project closes.
 */
export class ThumbnailCache {
  private readonly urls = new Map<string, Promise<string>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  /** Bumped by clear(), so a fetch that was in flight does not leak its URL into the emptied cache. */
  private generation = 0;

  constructor(
    private readonly client: StudioClient,
    private readonly concurrency = 4,
  ) {}

  /** The thumbnail of an image; `version` (its sha256) keeps a re-imported file from showing a stale picture. */
  get(id: number, version: string): Promise<string> {
    const key = `${id}:${version}`;
    let url = this.urls.get(key);
    if (!url) {
      url = this.schedule(() => this.fetch(id));
      url.catch(() => this.urls.delete(key));
      this.urls.set(key, url);
    }
    return url;
  }

  /** Revokes every blob URL and forgets them; later calls fetch afresh. */
  clear(): void {
    this.generation++;
    this.waiting.length = 0;
    for (const url of this.urls.values()) void url.then((u) => URL.revokeObjectURL(u), () => {});
    this.urls.clear();
  }

  private async fetch(id: number): Promise<string> {
    const generation = this.generation;
    const thumb = await this.client.invoke('images:thumbnail', { id });
    const url = URL.createObjectURL(new Blob([thumb.bytes as Uint8Array<ArrayBuffer>], { type: thumb.mime }));
    if (generation !== this.generation) {
      URL.revokeObjectURL(url);
      throw new Error('thumbnail cache cleared');
    }
    return url;
  }

  private schedule<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.pop()?.();
          });
      };
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
  }
}
