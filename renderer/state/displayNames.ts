import type { FileState, ImageStatus, ImportSkipReason, Split } from '../../shared/domain/images';
import type { ExportFormat, ImportFormat } from '../../shared/domain/interop';
import type { ClassPreset } from '../../shared/domain/presets';

export const STATUS_NAMES: Record<ImageStatus, string> = { unlabeled: 'Unlabeled', in_progress: 'In progress', needs_review: 'Needs review', done: 'Done' };
export const SPLIT_NAMES: Record<Split, string> = { train: 'Train', val: 'Val', test: 'Test', unassigned: 'Unassigned' };
export const FILE_STATE_NAMES: Record<FileState, string> = { ok: 'File OK', missing: 'File missing', modified: 'File modified' };
export const SKIP_REASON_NAMES: Record<ImportSkipReason, string> = {
  corrupt: 'Corrupt',
  unsupported: 'Unsupported',
  duplicate: 'Duplicate',
  too_large: 'Too large',
  unreadable: 'Unreadable',
  label_rejected: 'Label rejected',
  disk_full: 'Disk full',
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

/** Bytes as MB below a gigabyte, GB above (one decimal). */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The last path segment, for showing a long path compactly. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

export const IMPORT_FORMAT_NAMES: Record<ImportFormat, string> = {
  folder: 'Images only',
  voc: 'Pascal VOC folder',
  coco: 'COCO JSON',
  'png-index': 'Index PNG masks',
  'png-gray': 'Grey PNG masks',
  'png-color': 'Colour PNG masks',
};
/** What each import format expects, one line under the import bar. */
export const IMPORT_FORMAT_HELP: Record<ImportFormat, string> = {
  folder: 'Image files, or a folder of them (searched recursively).',
  voc: 'A VOC root holding JPEGImages/, SegmentationClass/ and ImageSets/Segmentation/; splits come from the ImageSets lists.',
  coco: 'An image folder plus the COCO annotations.json; categories are matched to classes by name.',
  'png-index': 'An image folder plus a folder of palette PNGs named like the images; palette index = class value.',
  'png-gray': 'An image folder plus a folder of 8-bit grey PNGs named like the images; pixel value = class value, 255 = unlabeled.',
  'png-color': 'An image folder plus a folder of RGB PNGs in the class colours; unknown colours are reported, not guessed.',
};

export const EXPORT_FORMAT_NAMES: Record<ExportFormat, string> = {
  'png-index': 'Palette PNG',
  'png-gray': 'Grey PNG',
  'png-color': 'Colour PNG',
  voc: 'Pascal VOC folder',
  coco: 'COCO JSON',
};
/** One line per export format: what it is for. */
export const EXPORT_FORMAT_HELP: Record<ExportFormat, string> = {
  'png-index': 'Indexed PNG per image, VOC palette — for VOC and CVAT.',
  'png-gray': 'One channel, value = class index — for training pipelines.',
  'png-color': 'RGB PNG in the class colours — for viewing.',
  voc: 'JPEGImages/, SegmentationClass/, ImageSets/, labelmap.txt.',
  coco: 'One annotations.json, an RLE mask per class and image.',
};
