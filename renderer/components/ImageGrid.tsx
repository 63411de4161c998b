import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { ImageRow } from '../../shared/domain/images';
import type { PredictionSummary } from '../../shared/review/predictions';
import { ImageCard } from './ImageCard';

interface Props {
  images: ImageRow[];
  selected: ReadonlySet<number>;
  /** The element that scrolls the grid. */
  scrollRef: RefObject<HTMLElement | null>;
  onCardClick(id: number, modifiers: { shift: boolean; toggle: boolean }): void;
  onCardOpen?(id: number): void;
  /** Current predictions by image id (a card shows whether its image has one). */
  predictions?: ReadonlyMap<number, PredictionSummary>;
}

/** Narrowest card; columns are as many as fit, stretched to fill the width. */
const MIN_CARD_WIDTH = 172;
const GAP = 12;
/** Rows rendered beyond the viewport on each side. */
const OVERSCAN_ROWS = 2;
/** Card height before one has been measured: the 4:3 thumbnail plus the name, chips and bar below it. */
const estimatedCardHeight = (cardWidth: number) => Math.round(cardWidth * 0.75) + 90;

/**
 * Only the rows in view (and a couple more) are in the DOM, so a project of 50,000 images scrolls
 * like one of fifty. Columns follow the grid's width; every card has the height of the first one
 * measured, which keeps the scrollbar exact. Arrow keys, Home/End and PageUp/PageDown move the
 * focus between cards (one tab stop for the whole grid) and scroll the focused card into view.
 */
export function ImageGrid({ images, selected, scrollRef, onCardClick, onCardOpen, predictions }: Props) {
  const gridRef = useRef<HTMLDivElement>(null);
  const { width, scrollMargin } = useGridBox(gridRef);
  const cardHeight = useCardHeight(gridRef);
  const columns = Math.max(1, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP)));
  const cardWidth = width ? (width - GAP * (columns - 1)) / columns : MIN_CARD_WIDTH;
  const rowHeight = cardHeight ?? estimatedCardHeight(cardWidth);
  const rowCount = Math.ceil(images.length / columns);

  // The last focused card stays the grid's tab stop, and its row stays rendered even when
  // scrolled away, so the focus is never dropped on the floor.
  const [focusId, setFocusId] = useState<number | null>(null);
  const indexById = useMemo(() => new Map(images.map((image, i) => [image.id, i])), [images]);
  const focusIndex = focusId === null ? -1 : (indexById.get(focusId) ?? -1);
  const tabStop = focusIndex >= 0 ? focusIndex : 0;
  const focusRow = focusIndex >= 0 ? Math.floor(focusIndex / columns) : -1;

  const rangeExtractor = useCallback(
    (range: Range) => {
      const rows = defaultRangeExtractor(range);
      if (focusRow < 0 || focusRow >= range.count || rows.includes(focusRow)) return rows;
      return [...rows, focusRow].sort((a, b) => a - b);
    },
    [focusRow],
  );

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build; the grid re-renders on every virtualizer change.
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    gap: GAP,
    overscan: OVERSCAN_ROWS,
    scrollMargin,
    rangeExtractor,
  });
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, rowHeight, columns]);

  /** Focuses the card at `index`; its row renders first if it was off screen, then the browser scrolls it into view. */
  const pendingFocus = useRef<number | null>(null);
  const focusCard = (index: number) => {
    const target = images[Math.max(0, Math.min(images.length - 1, index))];
    if (!target) return;
    pendingFocus.current = target.id;
    setFocusId(target.id);
    focusPending();
  };
  const focusPending = () => {
    if (pendingFocus.current === null) return;
    const card = gridRef.current?.querySelector<HTMLElement>(`[data-image-id="${pendingFocus.current}"]`);
    if (!card) return;
    pendingFocus.current = null;
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
  };
  useLayoutEffect(focusPending);

  const onKeyDown = (e: KeyboardEvent) => {
    if (focusIndex < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / (rowHeight + GAP)));
    const moves: Record<string, number> = {
      ArrowLeft: focusIndex - 1,
      ArrowRight: focusIndex + 1,
      ArrowUp: focusIndex - columns,
      ArrowDown: focusIndex + columns,
      PageUp: focusIndex - columns * pageRows,
      PageDown: focusIndex + columns * pageRows,
      Home: 0,
      End: images.length - 1,
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = moves[e.key];
    // Up from the first row or down from the last stays put rather than jumping sideways.
    if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && (next < 0 || next >= images.length)) return;
    focusCard(next);
  };

  const rows = virtualizer.getVirtualItems();
  return (
    <div
      ref={gridRef}
      className="image-grid"
      role="listbox"
      aria-multiselectable="true"
      aria-label="Images"
      data-testid="image-grid"
      data-columns={columns}
      style={{ height: virtualizer.getTotalSize() }}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        const id = Number((e.target as HTMLElement).dataset.imageId);
        if (id) setFocusId(id);
      }}
    >
      {rows.map((row) => {
        const first = row.index * columns;
        return (
          <div
            key={row.key}
            className="image-grid-row"
            role="none"
            style={{ transform: `translateY(${row.start - scrollMargin}px)`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: GAP }}
          >
            {images.slice(first, first + columns).map((image, i) => (
              <ImageCard
                key={image.id}
                image={image}
                position={first + i + 1}
                total={images.length}
                tabbable={first + i === tabStop}
                selected={selected.has(image.id)}
                onClick={onCardClick}
                onOpen={onCardOpen}
                prediction={predictions?.get(image.id)}
              />
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** The grid's content width (0 while hidden, which keeps the last layout) and its offset inside the scroller. */
function useGridBox(gridRef: RefObject<HTMLElement | null>): { width: number; scrollMargin: number } {
  const [box, setBox] = useState({ width: 0, scrollMargin: 0 });
  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (!grid) return;
    const update = () => {
      const width = grid.clientWidth;
      if (!width) return;
      setBox((b) => (b.width === width && b.scrollMargin === grid.offsetTop ? b : { width, scrollMargin: grid.offsetTop }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(grid);
    return () => observer.disconnect();
  }, [gridRef]);
  return box;
}

/** The height of a rendered card (all cards are alike), following font and width changes; null before the first. */
function useCardHeight(gridRef: RefObject<HTMLElement | null>): number | null {
  const [height, setHeight] = useState<number | null>(null);
  const observed = useRef<Element | null>(null);
  const [observer] = useState(
    () =>
      new ResizeObserver((entries) => {
        const h = entries.at(-1)!.borderBoxSize[0]?.blockSize ?? (entries.at(-1)!.target as HTMLElement).offsetHeight;
        if (h > 0) setHeight(h);
      }),
  );
  useLayoutEffect(
    () => () => {
      observer.disconnect();
      observed.current = null;
    },
    [observer],
  );
  // After every render: the card watched may have scrolled away.
  useLayoutEffect(() => {
    const card = gridRef.current?.querySelector('.image-card') ?? null;
    if (card === observed.current) return;
    if (observed.current) observer.unobserve(observed.current);
    observed.current = card;
    if (card) observer.observe(card);
  });
  return height;
}
