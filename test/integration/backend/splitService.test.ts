import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importImages } from '../../../electron/backend/importService';
import { importPlan } from '../../../electron/backend/interop/importPlan';
import type { Backend } from '../../../electron/backend/backend';
import type { Project } from '../../../electron/backend/project';
import { tempDir } from '../../fixtures/images';
import { writeRectangleSet } from '../../fixtures/segmentationSet';
import { createRectangleProject } from '../../fixtures/trainingProject';

let root: string;
let project: Project;
let backend: Backend;

beforeAll(async () => {
  root = tempDir();
  // 10 labeled images (ground and box), none assigned; then 6 images without labels.
  project = await createRectangleProject(join(root, 'p'), join(root, 'labeled'), { count: 10, size: 32, train: 0 });
  project.images.setSplit(project.images.all().map((i) => i.id), 'unassigned');
  const unlabeled = await writeRectangleSet(join(root, 'unlabeled'), 6, 32, 99);
  await importImages(project, importPlan(project, { format: 'folder', images: [unlabeled.images] }));
  project.close();
  const { Backend } = await import('../../../electron/backend/backend');
  backend = new Backend({ mode: 'browser', version: 'test' });
  backend.openProject(join(root, 'p'));
});

afterAll(() => {
  backend.closeProject();
  rmSync(root, { recursive: true, force: true });
});

describe('auto-split of labeled images only', () => {
  it('splits the labeled images and leaves the unlabeled ones unassigned', async () => {
    const result = await backend.invoke('images:autoSplit', { seed: 3, train: 0.5, val: 0.5, test: 0, labeledOnly: true });
    expect(result).toEqual({ ok: true, value: { train: 5, val: 5, test: 0, unassigned: 6 } });
    const rows = await backend.invoke('images:list', { split: 'unassigned' });
    if (!rows.ok) throw new Error(rows.error.message);
    expect((rows.value as Array<{ status: string }>).every((r) => r.status === 'unlabeled')).toBe(true);
  });
});
