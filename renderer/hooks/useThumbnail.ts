import { useEffect, useState } from 'react';
import { useThumbnailCache } from './ThumbnailContext';

/** The thumbnail's blob URL once `wanted` (the card has scrolled into view); null until then, 'error' if it failed. */
export function useThumbnail(id: number, version: string, wanted: boolean): string | null | 'error' {
  const cache = useThumbnailCache();
  const [url, setUrl] = useState<string | null | 'error'>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    cache.get(id, version).then(
      (u) => live && setUrl(u),
      () => live && setUrl('error'),
    );
    return () => {
      live = false;
    };
  }, [cache, id, version, wanted]);
  return url;
}
