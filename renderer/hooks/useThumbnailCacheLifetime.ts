import { useEffect, useState } from 'react';
import { ThumbnailCache } from '../state/thumbnailCache';
import { useClient } from './ClientContext';

/** A thumbnail cache for the calling component's lifetime (one open project); its blob URLs are revoked after. */
export function useThumbnailCacheLifetime(): ThumbnailCache {
  const client = useClient();
  const [cache] = useState(() => new ThumbnailCache((id) => client.invoke('images:thumbnail', { id })));
  useEffect(() => () => cache.clear(), [cache]);
  return cache;
}
