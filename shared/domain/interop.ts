/** The formats masks and datasets come in and go out as (see README "Formats"). */
export const IMPORT_FORMATS = ['folder', 'voc', 'coco', 'png-index', 'png-gray', 'png-color'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const EXPORT_FORMATS = ['png-index', 'png-gray', 'png-color', 'voc', 'coco'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportReport {
  outDir: string;
  written: number;
  skipped: Array<{ image: string; message: string }>;
  /** Images written under a name other than their stem, and why (a suffix for a shared stem is not listed). */
  renamed?: Array<{ image: string; name: string; reason: string }>;
  cancelled: boolean;
  seconds: number;
}

export interface ExportProgress {
  jobId: string;
  done: number;
  total: number;
}
