import { useCallback, useRef, useState } from 'react';
import type { RequestOf } from '../../shared/contract/rendererContract';
import type { ImportProgress, ImportReport, Split } from '../../shared/domain/images';
import { IMPORT_FORMAT_NAMES } from '../state/displayNames';
import { useBackendEvent } from './useBackendEvent';
import { useClient } from './ClientContext';

export interface FinishedImport {
  jobId: string;
  label: string;
  report: ImportReport;
}

export type PathImport = RequestOf<'images:import'>;

export interface ImportJobs {
  running: ImportProgress[];
  finished: FinishedImport[];
  importPaths(request: PathImport): Promise<void>;
  uploadFiles(files: File[], split?: Split): Promise<void>;
  cancel(jobId: string): Promise<void>;
  dismiss(jobId: string): void;
}

/** Uploads go in batches: the contract takes at most 1,000 files a request, and one huge frame would stall the socket. */
const UPLOAD_BATCH_FILES = 200;
const UPLOAD_BATCH_BYTES = 48 * 1024 * 1024;

/**
 * Imports this window started or that the backend reports: progress by job, then reports until
 * dismissed. Events are keyed by job id because a fast job can finish before its invoke replies.
 */
export function useImportJobs(): ImportJobs {
  const client = useClient();
  const [running, setRunning] = useState<Map<string, ImportProgress>>(new Map());
  const [finished, setFinished] = useState<FinishedImport[]>([]);
  const labels = useRef(new Map<string, string>());
  const done = useRef(new Set<string>());

  useBackendEvent('images:importProgress', (progress) => {
    if (done.current.has(progress.jobId)) return;
    setRunning((m) => new Map(m).set(progress.jobId, progress));
  });
  useBackendEvent('images:importDone', ({ jobId, report }) => {
    done.current.add(jobId);
    setRunning((m) => {
      const next = new Map(m);
      next.delete(jobId);
      return next;
    });
    setFinished((f) => [{ jobId, label: labels.current.get(jobId) ?? 'Import', report }, ...f.filter((x) => x.jobId !== jobId)]);
  });

  const started = useCallback((jobId: string, label: string) => {
    labels.current.set(jobId, label);
    if (done.current.has(jobId)) {
      setFinished((f) => f.map((x) => (x.jobId === jobId ? { ...x, label } : x)));
      return;
    }
    setRunning((m) => (m.has(jobId) ? m : new Map(m).set(jobId, { jobId, done: 0, total: 0, current: '' })));
  }, []);

  return {
    running: [...running.values()],
    finished,
    importPaths: useCallback(
      async (request) => {
        const { jobId } = await client.invoke('images:import', request);
        const format = request.format && request.format !== 'folder' ? ` (${IMPORT_FORMAT_NAMES[request.format]})` : '';
        started(jobId, `Import of ${request.paths.join(', ')}${format}`);
      },
      [client, started],
    ),
    uploadFiles: useCallback(
      async (files, split) => {
        let batch: { name: string; bytes: Uint8Array<ArrayBuffer> }[] = [];
        let bytes = 0;
        const send = async () => {
          if (!batch.length) return;
          const { jobId } = await client.invoke('images:upload', { files: batch, split });
          started(jobId, `Upload of ${batch.length} file${batch.length === 1 ? '' : 's'}`);
          batch = [];
          bytes = 0;
        };
        for (const file of files) {
          const data = new Uint8Array(await file.arrayBuffer());
          if (batch.length >= UPLOAD_BATCH_FILES || (batch.length && bytes + data.byteLength > UPLOAD_BATCH_BYTES)) await send();
          batch.push({ name: file.name, bytes: data });
          bytes += data.byteLength;
        }
        await send();
      },
      [client, started],
    ),
    cancel: useCallback(async (jobId) => void (await client.invoke('images:cancelImport', { jobId })), [client]),
    dismiss: useCallback((jobId) => setFinished((f) => f.filter((x) => x.jobId !== jobId)), []),
  };
}
