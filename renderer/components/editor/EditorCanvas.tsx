import { useEffect, useRef, useState } from 'react';
import { CanvasView } from '../../editor/canvasView';
import type { ImageAdjust } from '../../editor/imageAdjust';
import type { EditorSession } from '../../editor/session';

/** The Konva stage of one editor session; mounting it is all React does for the canvas. */
export function EditorCanvas({ session, imageAdjust }: { session: EditorSession; imageAdjust: ImageAdjust }) {
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<CanvasView | null>(null);
  useEffect(() => {
    const created = new CanvasView(ref.current!, session.editor, session.image);
    setView(created);
    ref.current!.focus({ preventScroll: true });
    return () => created.dispose();
  }, [session]);
  useEffect(() => view?.setImageAdjust(imageAdjust), [view, imageAdjust]);
  return <div ref={ref} className="editor-stage" tabIndex={0} data-testid="editor-canvas" data-image-id={session.imageId} aria-label="Label canvas" />;
}
