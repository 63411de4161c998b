import { z } from 'zod';

export const SPLITS = ['train', 'val', 'test', 'unassigned'] as const;
export type Split = (typeof SPLITS)[number];
export const splitSchema = z.enum(SPLITS);

/** `needs_review`: its label came from an accepted prediction and no person has marked it done yet. */
export const IMAGE_STATUSES = ['unlabeled', 'in_progress', 'needs_review', 'done'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/** Whether the source file still is what was imported. */
export const FILE_STATES = ['ok', 'missing', 'modified'] as const;
export type FileState = (typeof FILE_STATES)[number];

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp'] as const;

export interface ImageRow {
  id: number;
  fileName: string;
  path: string;
  width: number;
  height: number;
  byteSize: number;
  sha256: string;
  split: Split;
  status: ImageStatus;
  /** Labeled pixels / all pixels, 0..1. */
  labeledFraction: number;
  fileState: FileState;
  importedAt: string;
}

export type ImportSkipReason = 'corrupt' | 'unsupported' | 'duplicate' | 'too_large' | 'unreadable' | 'label_rejected' | 'disk_full';

/**
 * An imported mask that labels at least this fraction of its image marks the image done; a
 * sparser one (scribbles, a few objects) leaves it in progress for the user to finish.
 */
export const IMPORTED_MASK_DONE_FRACTION = 0.5;

export interface ImportSkip {
  path: string;
  reason: ImportSkipReason;
  message: string;
}

export interface ImportReport {
  added: number;
  labelsAdded: number;
  skipped: ImportSkip[];
  cancelled: boolean;
  seconds: number;
}

export interface ImportProgress {
  jobId: string;
  done: number;
  total: number;
  current: string;
}

export const SORT_KEYS = ['name', 'imported', 'labeled', 'status'] as const;
export type ImageSortKey = (typeof SORT_KEYS)[number];

export interface ProjectStatus {
  images: number;
  labeledImages: number;
  classes: number;
  splits: Record<Split, number>;
  statuses: Record<ImageStatus, number>;
  fileProblems: number;
}

export interface ProjectSummary {
  path: string;
  name: string;
  createdAt: string;
  schemaVersion: number;
  /** The class file's "ignore" mask value (CamVid: 11), read as unlabeled on import; null when it named none. */
  ignoreIndex: number | null;
}
