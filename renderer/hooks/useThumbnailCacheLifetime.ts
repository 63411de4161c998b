import { useEffect, useState } from 'react';
import { ThumbnailCache } from '../state/thumbnailCache';
import { useClient } from './ClientContext';

/** A thumbnail cache that lives as long as the calling component (one open project); its blob URLs are revoked after. */
export function useThumbnailCacheLifetime(): ThumbnailCache | null {
  const client = useClient();
  const [cache, setCache] = useState<ThumbnailCache | null>(null);
  useEffect(() => {
    const created = new ThumbnailCache(client);
    setCache(created);
    return () => created.dispose();
  }, [client]);
  return cache;
}
