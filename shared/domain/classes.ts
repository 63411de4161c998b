import { z } from 'zod';

/** Mask value meaning "unlabeled": ignored in loss and metrics, never a class. */
export const UNLABELED = 255;
/** Class values 0..254 are usable; 255 is reserved for unlabeled. */
export const MAX_CLASS_VALUE = 254;

export const hexColor = z.string().regex(/^#[0-9a-f]{6}$/i, 'colour must look like #rrggbb');

export interface LabelClass {
  id: number;
  /** The pixel value in masks. Stable for the life of the project: reordering never rewrites masks. */
  value: number;
  name: string;
  color: string;
  /** Display order (class picker, number keys). */
  position: number;
}

export const className = z
  .string()
  .trim()
  .min(1, 'a class needs a name')
  .max(64, 'class names are at most 64 characters');

export const newClassInput = z.object({ name: className, color: hexColor });
export type NewClassInput = z.infer<typeof newClassInput>;

/**
 * A class file as users bring it: the shape of CamVid's classes.json
 * (`{classes: [{id, name, color: [r, g, b]}], ignoreIndex?}`).
 */
export const classFileSchema = z.object({
  name: z.string().optional(),
  ignoreIndex: z.number().int().min(0).max(255).optional(),
  classes: z
    .array(
      z.object({
        id: z.number().int().min(0).max(255),
        name: className,
        color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
      }),
    )
    .min(1, 'a class file needs at least one class'),
});
export type ClassFile = z.infer<typeof classFileSchema>;

export function rgbToHex([r, g, b]: readonly [number, number, number]): string {
  return '#' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('');
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Turns a class file into the classes a project stores. The ignore class is dropped (its pixels
 * become 255 on import); every other id must fit in 0..254 and appear once.
 */
export function classesFromFile(file: ClassFile): { classes: NewClassInput[]; values: number[]; ignoreIndex: number | null } {
  const ignoreIndex = file.ignoreIndex ?? null;
  const kept = file.classes.filter((c) => c.id !== ignoreIndex).sort((a, b) => a.id - b.id);
  const seen = new Set<number>();
  const names = new Set<string>();
  for (const c of kept) {
    if (c.id > MAX_CLASS_VALUE) throw new Error(`class "${c.name}" has id ${c.id}; ids must be 0..${MAX_CLASS_VALUE} (255 means unlabeled)`);
    if (seen.has(c.id)) throw new Error(`class id ${c.id} appears twice`);
    if (names.has(c.name.toLowerCase())) throw new Error(`class name "${c.name}" appears twice`);
    seen.add(c.id);
    names.add(c.name.toLowerCase());
  }
  return {
    classes: kept.map((c) => ({ name: c.name, color: rgbToHex(c.color) })),
    values: kept.map((c) => c.id),
    ignoreIndex,
  };
}

/**
 * Mask value → network class index, where network class i is `classValues[i]`; 255 and values
 * that are no class map to 255 (ignored). The training data and the metrics share this mapping.
 */
export function valueToIndexTable(classValues: readonly number[]): Uint8Array {
  const lut = new Uint8Array(256).fill(UNLABELED);
  classValues.forEach((v, i) => (lut[v] = i));
  return lut;
}
