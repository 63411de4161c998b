import camvid from '../../resources/presets/camvid.json';
import voc from '../../resources/presets/voc.json';
import { classFileSchema, type ClassFile } from './classes';

export const CLASS_PRESETS = ['voc', 'camvid', 'none'] as const;
export type ClassPreset = (typeof CLASS_PRESETS)[number];

/** The class file of a preset (resources/presets/*.json), or null for a project without classes yet. */
export function presetClassFile(preset: ClassPreset): ClassFile | null {
  switch (preset) {
    case 'voc':
      return classFileSchema.parse(voc);
    case 'camvid':
      return classFileSchema.parse(camvid);
    case 'none':
      return null;
  }
}
