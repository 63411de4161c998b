import { useRef, useState, type DragEvent, type ReactNode } from 'react';

interface Props {
  onFiles(files: File[]): void;
  children: ReactNode;
}

/** Accepts files dropped anywhere on its area; shows a target while something is dragged over it. */
export function DropZone({ onFiles, children }: Props) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');

  return (
    <div
      className="drop-zone"
      data-testid="drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (!depth.current) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length) onFiles(files);
      }}
    >
      {children}
      {over && (
        <div className="drop-overlay" aria-hidden>
          <div className="drop-overlay-inner">Drop images to add them to the project</div>
        </div>
      )}
    </div>
  );
}
