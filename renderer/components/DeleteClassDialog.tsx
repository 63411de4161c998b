import type { ClassDeleteImpact } from '../../shared/contract/rendererContract';
import type { LabelClass } from '../../shared/domain/classes';
import { formatCount, plural } from '../state/displayNames';
import { ConfirmDialog } from './ConfirmDialog';
import { InlineError } from './InlineError';

interface Props {
  labelClass: LabelClass;
  impact: ClassDeleteImpact;
  busy: boolean;
  error: string | null;
  onConfirm(): void;
  onCancel(): void;
}

export function DeleteClassDialog({ labelClass, impact, busy, error, onConfirm, onCancel }: Props) {
  return (
    <ConfirmDialog title={`Delete class “${labelClass.name}”?`} confirmLabel="Delete class" danger busy={busy} onConfirm={onConfirm} onCancel={onCancel}>
      <p data-testid="delete-impact">
        {impact.labeledPixels > 0
          ? `${formatCount(impact.labeledPixels)} labeled pixels in ${plural(impact.images, 'image')} will become unlabeled.`
          : 'No labeled pixels use this class yet.'}
      </p>
      <p className="muted">Pixels of other classes keep their labels. This cannot be undone.</p>
      <InlineError message={error} />
    </ConfirmDialog>
  );
}
