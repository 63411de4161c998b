import { describe, expect, it } from 'vitest';
import { changesOtherImages } from '../../../../renderer/hooks/useLabelNextQueue';

describe('label-next queue refresh', () => {
  it('costs no ranking query when only the open image changed (the editor autosaving it)', () => {
    expect(changesOtherImages({ reason: 'labels', ids: [7] }, 7)).toBe(false);
    expect(changesOtherImages({ reason: 'accepted', ids: [7] }, 7)).toBe(false);
  });

  it('reloads when another image, or an unnamed set of images, changed', () => {
    expect(changesOtherImages({ reason: 'labels', ids: [8] }, 7)).toBe(true);
    expect(changesOtherImages({ reason: 'labels', ids: [7, 8] }, 7)).toBe(true);
    expect(changesOtherImages({ reason: 'update' }, 7)).toBe(true);
    expect(changesOtherImages({ reason: 'import' }, 7)).toBe(true);
  });
});
