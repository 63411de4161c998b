/** The formats masks and datasets come in and go out as (see README "Formats"). */
export const IMPORT_FORMATS = ['folder', 'voc', 'coco', 'png-index', 'png-gray', 'png-color'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const EXPORT_FORMATS = ['png-index', 'png-gray', 'png-color', 'voc', 'coco'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportReport {
  outDir: string;
  written: number;
  skipped: Array<{ image: string; message: string }>;
  cancelled: boolean;
  seconds: number;
}

export interface ExportProgress {
  jobId: string;
  done: number;
  total: number;
}
