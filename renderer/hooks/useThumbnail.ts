import { useEffect, useState } from 'react';
import { useThumbnailCache } from './ThumbnailContext';

/**
 * The thumbnail's blob URL once `wanted` (the card has scrolled into view): at once when the cache
 * has it, null until it arrives, 'error' if it failed. The card holds it while mounted, so the
 * cache never revokes a URL that is on screen.
 */
export function useThumbnail(id: number, version: string, wanted: boolean): string | null | 'error' {
  const cache = useThumbnailCache();
  const key = `${id}:${version}`;
  const [fetched, setFetched] = useState<{ key: string; url: string | 'error' } | null>(null);
  const cached = cache.peek(id, version);
  const load = wanted || cached !== null;
  useEffect(() => {
    if (!load) return;
    let live = true;
    const lease = cache.acquire(id, version);
    lease.url.then(
      (url) => live && setFetched({ key, url }),
      () => live && setFetched({ key, url: 'error' }),
    );
    return () => {
      live = false;
      lease.release();
    };
  }, [cache, id, version, key, load]);
  if (fetched?.key === key) return fetched.url;
  return cached;
}
