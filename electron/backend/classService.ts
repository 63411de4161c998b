import { AppError } from '../../shared/contract/errors';
import type { ClassDeleteImpact } from '../../shared/contract/rendererContract';
import { UNLABELED, type LabelClass } from '../../shared/domain/classes';
import { countClasses, decodeMaskPng, encodeMaskPng } from '../../shared/mask/maskPng';
import type { Project } from './project';

export function addClass(project: Project, name: string, color: string): LabelClass {
  if (project.classes.byName(name)) throw new AppError('CONFLICT', `a class named "${name}" exists already`);
  return project.classes.insert(name, color);
}

export function updateClass(project: Project, id: number, change: { name?: string; color?: string }): LabelClass {
  const current = requireClass(project, id);
  if (change.name !== undefined && change.name.toLowerCase() !== current.name.toLowerCase() && project.classes.byName(change.name)) {
    throw new AppError('CONFLICT', `a class named "${change.name}" exists already`);
  }
  project.db.transaction(() => {
    if (change.name !== undefined) project.classes.rename(id, change.name);
    if (change.color !== undefined) project.classes.recolor(id, change.color);
  })();
  return requireClass(project, id);
}

/** Sets the display order. Mask values never change, so no mask is rewritten. */
export function reorderClasses(project: Project, ids: number[]): LabelClass[] {
  const existing = project.classes.list().map((c) => c.id);
  if (ids.length !== existing.length || new Set(ids).size !== ids.length || !ids.every((id) => existing.includes(id))) {
    throw new AppError('BAD_REQUEST', 'the new order must name every class exactly once');
  }
  project.db.transaction(() => project.classes.setPositions(ids))();
  return project.classes.list();
}

export function classDeleteImpact(project: Project, id: number): ClassDeleteImpact {
  return project.masks.classImpact(requireClass(project, id).value);
}

/**
 * Deletes a class. Its pixels become unlabeled in every image's current mask, each rewritten as a
 * new version, all in one transaction: either the class and all its pixels go, or nothing changes.
 */
export function deleteClass(project: Project, id: number): ClassDeleteImpact {
  const cls = requireClass(project, id);
  const impact = project.masks.classImpact(cls.value);
  project.db.transaction(() => {
    for (const imageId of project.masks.imagesWithClass(cls.value)) {
      const mask = project.masks.current(imageId)!;
      const raster = decodeMaskPng(mask.png);
      for (let i = 0; i < raster.values.length; i++) if (raster.values[i] === cls.value) raster.values[i] = UNLABELED;
      const { counts, labeledPixels } = countClasses(raster.values);
      project.masks.save({
        imageId,
        baseVersion: mask.version,
        png: encodeMaskPng(raster),
        labeledPixels,
        classCounts: counts,
        source: 'class-delete',
      });
    }
    project.classes.remove(id);
  })();
  return impact;
}

function requireClass(project: Project, id: number): LabelClass {
  const cls = project.classes.byId(id);
  if (!cls) throw new AppError('NOT_FOUND', `class ${id} does not exist`);
  return cls;
}
