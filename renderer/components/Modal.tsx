import { useEffect, useId, type ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  /** Escape or the backdrop calls this; null while the dialog must stay open (e.g. a job is running). */
  onDismiss: (() => void) | null;
  className?: string;
  testId?: string;
}

/** The modal shell every dialog shares: backdrop, title, Escape to dismiss. */
export function Modal({ title, children, onDismiss, className, testId }: Props) {
  const titleId = useId();
  useEffect(() => {
    if (!onDismiss) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onDismiss();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onDismiss]);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onDismiss?.()}>
      <div className={className ? `modal ${className}` : 'modal'} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
