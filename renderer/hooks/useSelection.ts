import { useCallback, useMemo, useRef, useState } from 'react';

export interface Selection {
  selected: ReadonlySet<number>;
  /** Click semantics of a file manager: plain replaces, ctrl/cmd toggles, shift extends from the last click. */
  click(id: number, modifiers: { shift: boolean; toggle: boolean }): void;
  selectAll(): void;
  clear(): void;
}

/** Selection over `orderedIds` (the grid's current order); ids that leave the list leave the selection. */
export function useSelection(orderedIds: readonly number[]): Selection {
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const anchor = useRef<number | null>(null);

  const selected = useMemo(() => {
    if (!picked.size) return picked;
    const present = new Set(orderedIds);
    const kept = [...picked].filter((id) => present.has(id));
    return kept.length === picked.size ? picked : new Set(kept);
  }, [picked, orderedIds]);

  const click = useCallback(
    (id: number, { shift, toggle }: { shift: boolean; toggle: boolean }) => {
      if (shift && anchor.current !== null) {
        const from = orderedIds.indexOf(anchor.current);
        const to = orderedIds.indexOf(id);
        if (from >= 0 && to >= 0) {
          const range = orderedIds.slice(Math.min(from, to), Math.max(from, to) + 1);
          setPicked((s) => new Set([...(toggle ? s : []), ...range]));
          return;
        }
      }
      anchor.current = id;
      if (toggle) {
        setPicked((s) => {
          const next = new Set(s);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        });
      } else {
        setPicked((s) => (s.size === 1 && s.has(id) ? new Set() : new Set([id])));
      }
    },
    [orderedIds],
  );

  return {
    selected,
    click,
    selectAll: useCallback(() => setPicked(new Set(orderedIds)), [orderedIds]),
    clear: useCallback(() => setPicked(new Set()), []),
  };
}
