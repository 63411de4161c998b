import { useEffect } from 'react';
import { useClient } from '../../hooks/ClientContext';
import { PaintingSignal } from './paintingSignal';

/** The label canvas's container (EditorCanvas): Konva's canvases sit inside it. */
const CANVAS_SELECTOR = '.editor-stage';

/** While Live is on, tells it when the user paints on the label canvas (see PaintingSignal). */
export function useLivePainting(on: boolean): void {
  const client = useClient();
  useEffect(() => {
    if (!on) return;
    const signal = new PaintingSignal(
      (painting) => {
        client.invoke('live:painting', { painting }).catch(() => {
          // Live stopped meanwhile: nothing to pause.
        });
      },
      (target) => target instanceof Element && target.closest(CANVAS_SELECTOR) !== null,
    );
    const down = (e: PointerEvent) => signal.down(e.target);
    const up = () => signal.up();
    document.addEventListener('pointerdown', down, true);
    window.addEventListener('pointerup', up, true);
    window.addEventListener('pointercancel', up, true);
    window.addEventListener('blur', up);
    return () => {
      document.removeEventListener('pointerdown', down, true);
      window.removeEventListener('pointerup', up, true);
      window.removeEventListener('pointercancel', up, true);
      window.removeEventListener('blur', up);
      signal.up();
    };
  }, [client, on]);
}
