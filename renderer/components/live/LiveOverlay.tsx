import { useEffect, useRef } from 'react';
import type { LabelClass } from '../../../shared/domain/classes';
import { hexToRgb } from '../../../shared/domain/classes';
import type { LivePrediction } from '../../../shared/domain/live';
import type { Editor } from '../../editor/editor';

/**
 * The live model's prediction of the open image, drawn over the canvas in the classes' colours
 * and kept aligned with the editor's zoom and pan. It takes no pointer events: painting goes on
 * underneath. The canvas is image-sized (one pixel per image pixel), so what it shows is exactly the prediction.
 */
export function LiveOverlay({ editor, prediction, classes, opacity }: { editor: Editor; prediction: LivePrediction; classes: readonly LabelClass[]; opacity: number }) {
  const ref = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = ref.current!;
    const place = () => {
      const { scale, tx, ty } = editor.view;
      canvas.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`;
    };
    place();
    return editor.onViewChange(place);
  }, [editor]);

  useEffect(() => {
    const canvas = ref.current!;
    const { width, height, mask } = prediction;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const colours = new Uint8Array(256 * 4);
    for (const c of classes) colours.set([...hexToRgb(c.color), 255], c.value * 4);
    const pixels = new ImageData(width, height);
    const out = new Uint32Array(pixels.data.buffer);
    const table = new Uint32Array(colours.buffer);
    for (let i = 0; i < mask.length; i++) out[i] = table[mask[i]];
    canvas.getContext('2d')!.putImageData(pixels, 0, 0);
  }, [prediction, classes]);

  return (
    <canvas
      ref={ref}
      className="live-overlay"
      style={{ opacity }}
      data-testid="live-overlay"
      data-image-id={prediction.imageId}
      data-round={prediction.round}
      data-trained-version={prediction.trainedVersion ?? ''}
      aria-label="Live prediction"
    />
  );
}
