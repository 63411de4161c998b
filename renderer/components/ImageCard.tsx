import { memo, useRef, type MouseEvent } from 'react';
import type { ImageRow } from '../../shared/domain/images';
import type { PredictionSummary } from '../../shared/review/predictions';
import { useSeenOnce } from '../hooks/useInView';
import { useThumbnail } from '../hooks/useThumbnail';
import { FILE_STATE_NAMES, SPLIT_NAMES, STATUS_NAMES } from '../state/displayNames';

interface Props {
  image: ImageRow;
  selected: boolean;
  /** 1-based place in the whole list, and the list's length: most cards are not in the DOM. */
  position: number;
  total: number;
  /** The grid's one tab stop (the others are reached with the arrow keys). */
  tabbable: boolean;
  onClick(id: number, modifiers: { shift: boolean; toggle: boolean }): void;
  /** Double-click or Enter: open the image in the editor. */
  onOpen?(id: number): void;
  /** The image's current prediction, if any. */
  prediction?: PredictionSummary;
}

export const ImageCard = memo(function ImageCard({ image, selected, position, total, tabbable, onClick, onOpen, prediction }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const seen = useSeenOnce(ref);
  const thumb = useThumbnail(image.id, image.sha256, seen);
  const percent = Math.round(image.labeledFraction * 1000) / 10;
  const problem = image.fileState !== 'ok';

  const handleClick = (e: MouseEvent) => onClick(image.id, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });

  return (
    <div
      ref={ref}
      className={`image-card${selected ? ' selected' : ''}${problem ? ' has-problem' : ''}`}
      onClick={handleClick}
      role="option"
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={total}
      tabIndex={tabbable ? 0 : -1}
      onDoubleClick={() => onOpen?.(image.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && onOpen) {
          e.preventDefault();
          onOpen(image.id);
        } else if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onClick(image.id, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
        }
      }}
      data-testid="image-card"
      data-image-id={image.id}
      data-file-name={image.fileName}
      data-selected={selected}
    >
      <div className="thumb">
        {thumb && thumb !== 'error' && <img src={thumb} alt={image.fileName} draggable={false} data-testid="thumbnail" />}
        {thumb === 'error' && <span className="thumb-missing">No preview</span>}
        {problem && (
          <span className={`file-badge file-${image.fileState}`} title={`${FILE_STATE_NAMES[image.fileState]}: ${image.path}`} data-testid="file-warning">
            ⚠ {image.fileState === 'missing' ? 'Missing' : 'Modified'}
          </span>
        )}
        {prediction && (
          <span
            className="prediction-badge"
            data-testid="card-prediction"
            title={`Predicted by run ${prediction.runId}: uncertainty ${prediction.meanEntropy.toFixed(3)}${prediction.iou === null ? '' : `, IoU with its label ${(prediction.iou * 100).toFixed(1)}%`}`}
          >
            {prediction.iou === null ? `Predicted · H ${prediction.meanEntropy.toFixed(2)}` : `Predicted · IoU ${Math.round(prediction.iou * 100)}%`}
          </span>
        )}
        <span className="dims">
          {image.width}×{image.height}
        </span>
      </div>
      <div className="card-body">
        <div className="card-name" title={image.path} data-testid="card-name">
          {image.fileName}
        </div>
        <div className="card-chips">
          <span className={`chip status-${image.status}`} data-testid="card-status">
            {STATUS_NAMES[image.status]}
          </span>
          <span className={`chip chip-split split-${image.split}`} data-testid="card-split">
            {SPLIT_NAMES[image.split]}
          </span>

        </div>
        <div className="labeled" title={`${percent}% of pixels labeled`}>
          <div className="labeled-bar">
            <div className="labeled-fill" style={{ width: `${percent}%` }} />
          </div>
          <span className="labeled-text" data-testid="card-labeled">
            {percent}%
          </span>
        </div>
      </div>
    </div>
  );
});
