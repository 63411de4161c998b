import { useCallback, useEffect, useState } from 'react';
import { readImageAdjust, saveImageAdjust, type ImageAdjust } from '../editor/imageAdjust';

/** The editor's display adjustment, remembered per project (keyed by its path) in localStorage. */
export function useImageAdjust(projectKey: string): [ImageAdjust, (change: Partial<ImageAdjust> | ImageAdjust) => void] {
  const [adjust, setAdjust] = useState(() => readImageAdjust(projectKey));
  useEffect(() => setAdjust(readImageAdjust(projectKey)), [projectKey]);
  const update = useCallback(
    (change: Partial<ImageAdjust>) =>
      setAdjust((current) => {
        const next = { ...current, ...change };
        saveImageAdjust(projectKey, next);
        return next;
      }),
    [projectKey],
  );
  return [adjust, update];
}
