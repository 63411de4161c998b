import { useEffect, useRef } from 'react';
import { CanvasView } from '../../editor/canvasView';
import type { EditorSession } from '../../editor/session';

/** The Konva stage of one editor session; mounting it is all React does for the canvas. */
export function EditorCanvas({ session }: { session: EditorSession }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const view = new CanvasView(ref.current!, session.editor, session.image);
    ref.current!.focus({ preventScroll: true });
    return () => view.dispose();
  }, [session]);
  return <div ref={ref} className="editor-stage" tabIndex={0} data-testid="editor-canvas" data-image-id={session.imageId} aria-label="Label canvas" />;
}
