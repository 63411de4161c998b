import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Split } from '../../shared/domain/images';
import { useClient } from '../hooks/ClientContext';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { ALL_IMAGES, useImages, type ImageQuery } from '../hooks/useImages';
import { usePredictions } from '../hooks/usePredictions';
import { useSelection } from '../hooks/useSelection';
import { orderByPrediction, type PredictionFilter, type PredictionOrder } from '../../shared/review/predictionOrder';
import { PredictionBar } from './PredictionBar';
import { plural } from '../state/displayNames';
import { errorMessage } from '../state/errorMessage';
import { AutoSplitForm } from './AutoSplitForm';
import { ImageGrid } from './ImageGrid';
import { ImageToolbar } from './ImageToolbar';
import { InlineError } from './InlineError';
import { SelectionBar } from './SelectionBar';

/** Toolbar, selection actions and the grid of the project's images. */
export function ImageBrowser({
  onOpenImage,
  onSelectionChange,
  hidden = false,
}: { onOpenImage?(id: number, order: number[]): void; onSelectionChange?(ids: readonly number[]): void; hidden?: boolean } = {}) {
  const client = useClient();
  const [query, setQuery] = useState<ImageQuery>(ALL_IMAGES);
  const debouncedSearch = useDebouncedValue(query.search, 200);
  const images = useImages({ ...query, search: debouncedSearch }, { paused: hidden });
  const predictions = usePredictions({ paused: hidden });
  const [predictionOrder, setPredictionOrder] = useState<PredictionOrder>('none');
  const [predictionFilter, setPredictionFilter] = useState<PredictionFilter>('any');
  const rows = useMemo(
    () => orderByPrediction(images.data ?? [], predictions.byImage, predictionOrder, predictionFilter),
    [images.data, predictions.byImage, predictionOrder, predictionFilter],
  );
  const ids = useMemo(() => rows.map((r) => r.id), [rows]);
  const selection = useSelection(ids);
  useEffect(() => onSelectionChange?.([...selection.selected]), [onSelectionChange, selection.selected]);
  const [autoSplitOpen, setAutoSplitOpen] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const openCard = useMemo(() => onOpenImage && ((id: number) => onOpenImage(id, ids)), [onOpenImage, ids]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(timer);
  }, [notice]);

  const act = useCallback(async (action: () => Promise<string>) => {
    try {
      setNotice(await action());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  const selectedIds = () => [...selection.selected];
  const setSplit = (split: Split) =>
    act(async () => {
      const { updated } = await client.invoke('images:setSplit', { ids: selectedIds(), split });
      return `${plural(updated, 'image')} moved to ${split}.`;
    });
  const setDone = (done: boolean) =>
    act(async () => {
      const { updated } = await client.invoke('images:setDone', { ids: selectedIds(), done });
      return `${plural(updated, 'image')} marked ${done ? 'done' : 'not done'}.`;
    });
  const verify = () => {
    setVerifying(true);
    void act(async () => {
      const r = await client.invoke('images:verifyFiles', {});
      return `Checked ${plural(r.checked, 'file')}: ${r.missing} missing, ${r.modified} modified.`;
    }).finally(() => setVerifying(false));
  };

  const filtered = query.status || query.split || query.fileState || debouncedSearch.trim() || predictionFilter !== 'any';

  return (
    <div className="image-browser">
      <ImageToolbar
        query={query}
        onChange={setQuery}
        shown={images.data ? rows.length : null}
        autoSplitOpen={autoSplitOpen}
        onToggleAutoSplit={() => setAutoSplitOpen(!autoSplitOpen)}
        onVerify={verify}
        verifying={verifying}
      />
      <PredictionBar
        runId={predictions.runId}
        predicted={predictions.byImage.size}
        selectedIds={[...selection.selected]}
        order={predictionOrder}
        filter={predictionFilter}
        onOrder={setPredictionOrder}
        onFilter={setPredictionFilter}
      />
      {autoSplitOpen && (
        <AutoSplitForm
          onDone={(s) => {
            setAutoSplitOpen(false);
            setNotice(`Split now: ${s.train} train, ${s.val} val, ${s.test} test, ${s.unassigned} unassigned.`);
          }}
        />
      )}
      <SelectionBar count={selection.selected.size} total={rows.length} onSetSplit={setSplit} onSetDone={setDone} onSelectAll={selection.selectAll} onClear={selection.clear} />
      {notice && (
        <div className="notice" data-testid="notice">
          <span>{notice}</span>
          <button className="icon-btn" onClick={() => setNotice(null)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      <InlineError message={images.error ?? error ?? predictions.error} />
      <div className="grid-scroller" ref={scrollRef} onKeyDown={(e) => e.key === 'Escape' && selection.clear()}>
        {images.data && rows.length === 0 ? (
          <div className="empty-state" data-testid="empty-grid">
            {filtered ? (
              <p>No image matches these filters.</p>
            ) : (
              <>
                <div className="empty-icon" aria-hidden>
                  ⬚
                </div>
                <p className="empty-title">No images yet</p>
                <p className="muted">Type a file or folder path above and press Import, or drop image files here.</p>
              </>
            )}
          </div>
        ) : (
          <ImageGrid images={rows} selected={selection.selected} scrollRef={scrollRef} onCardClick={selection.click} onCardOpen={openCard} predictions={predictions.byImage} />
        )}
      </div>
    </div>
  );
}
