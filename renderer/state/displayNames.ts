import type { FileState, ImageStatus, ImportSkipReason, Split } from '../../shared/domain/images';
import type { ClassPreset } from '../../shared/domain/presets';

export const STATUS_NAMES: Record<ImageStatus, string> = { unlabeled: 'Unlabeled', in_progress: 'In progress', done: 'Done' };
export const SPLIT_NAMES: Record<Split, string> = { train: 'Train', val: 'Val', test: 'Test', unassigned: 'Unassigned' };
export const FILE_STATE_NAMES: Record<FileState, string> = { ok: 'File OK', missing: 'File missing', modified: 'File modified' };
export const SKIP_REASON_NAMES: Record<ImportSkipReason, string> = {
  corrupt: 'Corrupt',
  unsupported: 'Unsupported',
  duplicate: 'Duplicate',
  too_large: 'Too large',
  unreadable: 'Unreadable',
  label_rejected: 'Label rejected',
};
export const PRESET_NAMES: Record<ClassPreset, string> = {
  voc: 'PASCAL VOC (21 classes)',
  camvid: 'CamVid (11 classes)',
  none: 'None — define my own classes',
};

const numberFormat = new Intl.NumberFormat('en-US');
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The last path segment, for showing a long path compactly. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}
