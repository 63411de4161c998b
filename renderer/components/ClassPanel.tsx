import { useCallback, useMemo, useState } from 'react';
import type { ClassDeleteImpact } from '../../shared/contract/rendererContract';
import type { LabelClass } from '../../shared/domain/classes';
import { useClasses } from '../hooks/useClasses';
import { errorMessage } from '../state/errorMessage';
import { nextClassColor } from '../state/nextClassColor';
import { AddClassForm } from './AddClassForm';
import { ClassRow } from './ClassRow';
import { DeleteClassDialog } from './DeleteClassDialog';
import { InlineError } from './InlineError';

const SEARCH_FROM = 8;

export function ClassPanel() {
  const { classes, error: loadError, add, update, move, deleteImpact, remove } = useClasses();
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<{ labelClass: LabelClass; impact: ClassDeleteImpact } | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return !classes ? [] : q ? classes.filter((c) => c.name.toLowerCase().includes(q) || String(c.value) === q) : classes;
  }, [classes, search]);

  const onRename = useCallback((id: number, name: string) => update(id, { name }), [update]);
  const onRecolor = useCallback((id: number, color: string) => update(id, { color }), [update]);
  const onMove = useCallback((id: number, delta: -1 | 1) => void move(id, delta).catch((e) => setError(errorMessage(e))), [move]);
  const onDelete = useCallback(
    (labelClass: LabelClass) =>
      void deleteImpact(labelClass.id).then(
        (impact) => {
          setDeleteError(null);
          setPending({ labelClass, impact });
        },
        (e) => setError(errorMessage(e)),
      ),
    [deleteImpact],
  );
  const confirmDelete = async () => {
    if (!pending) return;
    setDeleting(true);
    try {
      await remove(pending.labelClass.id);
      setPending(null);
    } catch (e) {
      setDeleteError(errorMessage(e));
    } finally {
      setDeleting(false);
    }
  };
  const cancelDelete = useCallback(() => setPending(null), []);

  return (
    <section className="panel class-panel" aria-labelledby="classes-title">
      <div className="panel-title">
        <h2 id="classes-title">Classes</h2>
        <span className="count-pill" data-testid="class-count">
          {classes?.length ?? '…'}
        </span>
      </div>
      {classes && classes.length >= SEARCH_FROM && (
        <input className="input input-search" type="search" placeholder="Search classes" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search classes" data-testid="class-search" />
      )}
      <InlineError message={loadError ?? error} />
      {classes && classes.length === 0 && <p className="empty-hint">No classes yet. Add the first one below.</p>}
      {classes && classes.length > 0 && shown.length === 0 && <p className="empty-hint">No class matches “{search}”.</p>}
      <ul className="class-list" data-testid="class-list">
        {shown.map((c) => (
          <ClassRow
            key={c.id}
            labelClass={c}
            isFirst={c.id === classes?.[0]?.id}
            isLast={c.id === classes?.[classes.length - 1]?.id}
            canReorder
            onRename={onRename}
            onRecolor={onRecolor}
            onMove={onMove}
            onDelete={onDelete}
            onError={setError}
          />
        ))}
      </ul>
      <AddClassForm suggestedColor={nextClassColor(classes?.map((c) => c.color) ?? [])} onAdd={add} />
      {pending && (
        <DeleteClassDialog labelClass={pending.labelClass} impact={pending.impact} busy={deleting} error={deleteError} onConfirm={confirmDelete} onCancel={cancelDelete} />
      )}
    </section>
  );
}
