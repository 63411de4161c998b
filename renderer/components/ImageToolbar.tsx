import { useState } from 'react';
import { FILE_STATES, IMAGE_STATUSES, SORT_KEYS, SPLITS, type FileState, type ImageSortKey, type ImageStatus, type Split } from '../../shared/domain/images';
import type { ImageQuery } from '../hooks/useImages';
import { FILE_STATE_NAMES, SPLIT_NAMES, STATUS_NAMES } from '../state/displayNames';

const SORT_NAMES: Record<ImageSortKey, string> = { name: 'Name', imported: 'Imported', labeled: 'Labeled %', status: 'Status' };

interface Props {
  query: ImageQuery;
  onChange(query: ImageQuery): void;
  shown: number | null;
  autoSplitOpen: boolean;
  onToggleAutoSplit(): void;
  onVerify(): void;
  verifying: boolean;
}

export function ImageToolbar({ query, onChange, shown, autoSplitOpen, onToggleAutoSplit, onVerify, verifying }: Props) {
  const [search, setSearch] = useState(query.search);
  const set = <K extends keyof ImageQuery>(key: K, value: ImageQuery[K]) => onChange({ ...query, [key]: value });

  return (
    <div className="toolbar" data-testid="image-toolbar">
      <input
        className="input input-search"
        type="search"
        placeholder="Search file names"
        value={search}
        onChange={(e) => {
          setSearch(e.target.value);
          set('search', e.target.value);
        }}
        aria-label="Search file names"
        data-testid="filter-search"
      />
      <select className="select" value={query.status} onChange={(e) => set('status', e.target.value as ImageStatus | '')} aria-label="Filter by status" data-testid="filter-status">
        <option value="">Any status</option>
        {IMAGE_STATUSES.map((s) => (
          <option key={s} value={s}>
            {STATUS_NAMES[s]}
          </option>
        ))}
      </select>
      <select className="select" value={query.split} onChange={(e) => set('split', e.target.value as Split | '')} aria-label="Filter by split" data-testid="filter-split">
        <option value="">Any split</option>
        {SPLITS.map((s) => (
          <option key={s} value={s}>
            {SPLIT_NAMES[s]}
          </option>
        ))}
      </select>
      <select className="select" value={query.fileState} onChange={(e) => set('fileState', e.target.value as FileState | '')} aria-label="Filter by file state" data-testid="filter-file-state">
        <option value="">Any file state</option>
        {FILE_STATES.map((s) => (
          <option key={s} value={s}>
            {FILE_STATE_NAMES[s]}
          </option>
        ))}
      </select>
      <span className="toolbar-sep" />
      <label className="inline-label">
        Sort
        <select className="select" value={query.sort} onChange={(e) => set('sort', e.target.value as ImageSortKey)} data-testid="sort-key">
          {SORT_KEYS.map((k) => (
            <option key={k} value={k}>
              {SORT_NAMES[k]}
            </option>
          ))}
        </select>
      </label>
      <button
        className="btn btn-icon"
        onClick={() => set('descending', !query.descending)}
        title={query.descending ? 'Descending' : 'Ascending'}
        aria-label={query.descending ? 'Sort descending' : 'Sort ascending'}
        data-testid="sort-direction"
      >
        {query.descending ? '↓' : '↑'}
      </button>
      <span className="toolbar-count muted" data-testid="image-count">
        {shown === null ? '' : `${shown.toLocaleString('en-US')} shown`}
      </span>
      <span className="toolbar-spacer" />
      <button className={autoSplitOpen ? 'btn btn-active' : 'btn'} onClick={onToggleAutoSplit} data-testid="auto-split-toggle">
        Auto-split…
      </button>
      <button className="btn" onClick={onVerify} disabled={verifying} data-testid="verify-files">
        {verifying ? 'Verifying…' : 'Verify files'}
      </button>
    </div>
  );
}
