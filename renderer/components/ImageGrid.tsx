import type { ImageRow } from '../../shared/domain/images';
import { ImageCard } from './ImageCard';

interface Props {
  images: ImageRow[];
  selected: ReadonlySet<number>;
  onCardClick(id: number, modifiers: { shift: boolean; toggle: boolean }): void;
  onCardOpen?(id: number): void;
}

/**
 * Every card is in the DOM, but off-screen ones skip layout and paint (content-visibility in CSS)
 * and fetch no thumbnail until they come near the viewport, which keeps thousands of images smooth.
 */
export function ImageGrid({ images, selected, onCardClick, onCardOpen }: Props) {
  return (
    <div className="image-grid" role="listbox" aria-multiselectable="true" aria-label="Images" data-testid="image-grid">
      {images.map((image) => (
        <ImageCard key={image.id} image={image} selected={selected.has(image.id)} onClick={onCardClick} onOpen={onCardOpen} />
      ))}
    </div>
  );
}
