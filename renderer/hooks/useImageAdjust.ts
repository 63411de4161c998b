import { useCallback, useMemo, useState } from 'react';
import { readImageAdjust, saveImageAdjust, type ImageAdjust } from '../editor/imageAdjust';

/** The editor's display adjustment, remembered per project (keyed by its path) in localStorage. */
export function useImageAdjust(projectKey: string): [ImageAdjust, (change: Partial<ImageAdjust> | ((current: ImageAdjust) => Partial<ImageAdjust>)) => void] {
  const [state, setState] = useState(() => ({ projectKey, adjust: readImageAdjust(projectKey) }));
  // Another project: its own remembered adjustment, read during render rather than after it.
  const adjust = useMemo(() => (state.projectKey === projectKey ? state.adjust : readImageAdjust(projectKey)), [state, projectKey]);
  const update = useCallback(
    (change: Partial<ImageAdjust> | ((current: ImageAdjust) => Partial<ImageAdjust>)) =>
      setState((current) => {
        const base = current.projectKey === projectKey ? current.adjust : readImageAdjust(projectKey);
        const next = { ...base, ...(typeof change === 'function' ? change(base) : change) };
        saveImageAdjust(projectKey, next);
        return { projectKey, adjust: next };
      }),
    [projectKey],
  );
  return [adjust, update];
}
