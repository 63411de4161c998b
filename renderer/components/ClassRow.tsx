import { memo, useEffect, useState, type KeyboardEvent } from 'react';
import type { LabelClass } from '../../shared/domain/classes';
import { errorMessage } from '../state/errorMessage';

interface Props {
  labelClass: LabelClass;
  isFirst: boolean;
  isLast: boolean;
  canReorder: boolean;
  onRename(id: number, name: string): Promise<unknown>;
  onRecolor(id: number, color: string): Promise<unknown>;
  onMove(id: number, delta: -1 | 1): void;
  onDelete(labelClass: LabelClass): void;
  onError(message: string): void;
}

export const ClassRow = memo(function ClassRow({ labelClass, isFirst, isLast, canReorder, onRename, onRecolor, onMove, onDelete, onError }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const [color, setColor] = useState<string | null>(null);

  // The colour picker fires on every movement; save once the user settles on a colour.
  useEffect(() => {
    if (color === null || color === labelClass.color) return;
    const timer = setTimeout(() => onRecolor(labelClass.id, color).catch((err) => onError(errorMessage(err))), 250);
    return () => clearTimeout(timer);
  }, [color, labelClass.id, labelClass.color, onRecolor, onError]);

  const commit = async () => {
    if (draft === null) return;
    const name = draft.trim();
    setDraft(null);
    if (!name || name === labelClass.name) return;
    try {
      await onRename(labelClass.id, name);
    } catch (e) {
      onError(errorMessage(e));
    }
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') void commit();
    if (e.key === 'Escape') setDraft(null);
  };

  return (
    <li className="class-row" data-testid="class-row" data-class-name={labelClass.name} data-color={labelClass.color}>
      <input
        type="color"
        className="swatch-input"
        value={color ?? labelClass.color}
        onChange={(e) => setColor(e.target.value)}
        aria-label={`Colour of ${labelClass.name}`}
        title="Change colour"
      />
      {draft === null ? (
        <button className="class-name" onDoubleClick={() => setDraft(labelClass.name)} title="Double-click to rename" data-testid="class-name">
          {labelClass.name}
        </button>
      ) : (
        <input
          className="input class-rename"
          value={draft}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKey}
          onBlur={commit}
          aria-label={`Rename ${labelClass.name}`}
          data-testid="class-rename-input"
        />
      )}
      <span className="class-value" title="Pixel value in masks">
        {labelClass.value}
      </span>
      <span className="row-actions">
        <button className="icon-btn" onClick={() => setDraft(labelClass.name)} title="Rename" aria-label={`Rename ${labelClass.name}`} data-testid="class-rename">
          ✎
        </button>
        <button className="icon-btn" onClick={() => onMove(labelClass.id, -1)} disabled={!canReorder || isFirst} title="Move up" aria-label={`Move ${labelClass.name} up`}>
          ↑
        </button>
        <button className="icon-btn" onClick={() => onMove(labelClass.id, 1)} disabled={!canReorder || isLast} title="Move down" aria-label={`Move ${labelClass.name} down`}>
          ↓
        </button>
        <button className="icon-btn icon-danger" onClick={() => onDelete(labelClass)} title="Delete" aria-label={`Delete ${labelClass.name}`} data-testid="class-delete">
          ✕
        </button>
      </span>
    </li>
  );
});
