import { describe, expect, it } from 'vitest';

import type { ImageRow } from '../../../../shared/domain/images';
import { patchRows } from '../../../../renderer/hooks/useImages';

const row = (id: number, status: ImageRow['status'] = 'unlabeled'): ImageRow =>
  ({ id, fileName: `img${id}.png`, status, labeledFraction: status === 'unlabeled' ? 0 : 0.5 }) as ImageRow;

describe('patchRows', () => {
  it('replaces the named rows in place and keeps the others as they are', () => {
    const current = [row(1), row(2), row(3)];
    const patched = patchRows(current, [2], [row(2, 'in_progress')])!;
    expect(patched.map((r) => [r.id, r.status])).toEqual([
      [1, 'unlabeled'],
      [2, 'in_progress'],
      [3, 'unlabeled'],
    ]);
    expect(patched[0]).toBe(current[0]);
  });

  it('drops a named row the filter no longer returns, and asks for a reload when one newly matches', () => {
    expect(patchRows([row(1), row(2)], [2], [])!.map((r) => r.id)).toEqual([1]);
    expect(patchRows([row(1)], [2], [row(2)])).toBeNull();
  });
});
