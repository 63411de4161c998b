import { createContext, useContext } from 'react';
import type { ThumbnailCache } from '../state/thumbnailCache';

export const ThumbnailContext = createContext<ThumbnailCache | null>(null);

export function useThumbnailCache(): ThumbnailCache {
  const cache = useContext(ThumbnailContext);
  if (!cache) throw new Error('useThumbnailCache outside <ThumbnailContext.Provider>');
  return cache;
}
