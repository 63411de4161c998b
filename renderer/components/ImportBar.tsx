import { useState, type FormEvent } from 'react';
import { hexToRgb } from '../../shared/domain/classes';
import { SPLITS, type Split } from '../../shared/domain/images';
import { IMPORT_FORMATS, type ImportFormat } from '../../shared/domain/interop';
import type { PathImport } from '../hooks/useImportJobs';
import { IMPORT_FORMAT_HELP, IMPORT_FORMAT_NAMES, SPLIT_NAMES } from '../state/displayNames';
import { errorMessage } from '../state/errorMessage';
import { InlineError } from './InlineError';
import { UnlabeledColorField, UnlabeledValueField } from './UnlabeledFields';

interface Props {
  /** The class set's ignore value: masks' pixels of this value are imported as unlabeled. */
  ignoreIndex: number | null;
  onImport(request: PathImport): Promise<void>;
  onChooseFiles(files: File[], split?: Split): void;
}

const PATH_PLACEHOLDERS: Record<ImportFormat, string> = {
  folder: 'Image file or folder path, e.g. /data/street-scenes',
  voc: 'VOC folder path (holding JPEGImages/), e.g. /data/VOC2012',
  coco: 'Image folder path, e.g. /data/coco/val2017',
  'png-index': 'Image folder path, e.g. /data/street-scenes/images',
  'png-gray': 'Image folder path, e.g. /data/street-scenes/images',
  'png-color': 'Image folder path, e.g. /data/street-scenes/images',
};

/** Formats whose masks come from a second path (a mask folder, or COCO's JSON). */
const needsLabels = (format: ImportFormat) => format !== 'folder' && format !== 'voc';

/** Paths live on the backend's machine (browser mode may run elsewhere), so they are typed, not picked. */
export function ImportBar({ ignoreIndex, onImport, onChooseFiles }: Props) {
  const [format, setFormat] = useState<ImportFormat>('folder');
  const [path, setPath] = useState('');
  const [labels, setLabels] = useState('');
  const [unlabeledValue, setUnlabeledValue] = useState(ignoreIndex === null ? '' : String(ignoreIndex));
  const [unlabeledColor, setUnlabeledColor] = useState('#000000');
  const [copy, setCopy] = useState(false);
  const [split, setSplit] = useState<Split | ''>('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ready = path.trim() && (!needsLabels(format) || labels.trim());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await onImport({
        paths: [path.trim()],
        copyIntoProject: copy,
        // A VOC folder brings its own splits; a chosen split would override them all.
        split: split || undefined,
        format,
        labels: needsLabels(format) ? labels.trim() : undefined,
        unlabeledValue: format === 'png-gray' && unlabeledValue !== '' ? Number(unlabeledValue) : undefined,
        unlabeledColor: format === 'png-color' ? hexToRgb(unlabeledColor) : undefined,
      });
      setError(null);
      setPath('');
      setLabels('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="import-bar" onSubmit={submit} data-testid="import-bar">
      <div className="import-row">
        <select
          className="select import-format"
          value={format}
          onChange={(e) => setFormat(e.target.value as ImportFormat)}
          aria-label="Import as"
          title="Import as"
          data-testid="import-format"
        >
          {IMPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {IMPORT_FORMAT_NAMES[f]}
            </option>
          ))}
        </select>
        <input
          className="input import-path"
          placeholder={PATH_PLACEHOLDERS[format]}
          value={path}
          onChange={(e) => setPath(e.target.value)}
          aria-label={format === 'voc' ? 'VOC folder path' : 'Image file or folder path'}
          data-testid="import-path"
        />
        <label className="check">
          <input type="checkbox" checked={copy} onChange={(e) => setCopy(e.target.checked)} data-testid="import-copy" />
          Copy into project
        </label>
        <select className="select" value={split} onChange={(e) => setSplit(e.target.value as Split | '')} aria-label="Split for imported images" data-testid="import-split">
          <option value="">{format === 'voc' ? 'Splits from VOC' : 'No split'}</option>
          {SPLITS.filter((s) => s !== 'unassigned').map((s) => (
            <option key={s} value={s}>
              {SPLIT_NAMES[s]}
            </option>
          ))}
        </select>
        <button className="btn btn-primary" type="submit" disabled={busy || !ready} data-testid="import-submit">
          Import
        </button>
        {format === 'folder' && (
          <label className="btn file-pick" title="Upload files from this computer">
            Upload files…
            <input
              type="file"
              multiple
              accept="image/jpeg,image/png,image/webp,image/tiff,image/bmp"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                if (files.length) onChooseFiles(files, split || undefined);
              }}
              data-testid="upload-input"
            />
          </label>
        )}
      </div>
      {format !== 'folder' && (
        <div className="import-row import-options" data-testid="import-options">
          {needsLabels(format) && (
            <input
              className="input import-path"
              placeholder={format === 'coco' ? 'COCO annotations file, e.g. /data/coco/annotations/instances_val2017.json' : 'Mask folder path, e.g. /data/street-scenes/masks'}
              value={labels}
              onChange={(e) => setLabels(e.target.value)}
              aria-label={format === 'coco' ? 'COCO annotations file' : 'Mask folder path'}
              data-testid="import-labels"
            />
          )}
          {format === 'png-gray' && <UnlabeledValueField value={unlabeledValue} onChange={setUnlabeledValue} placeholder="255" testId="import-unlabeled-value" />}
          {format === 'png-color' && <UnlabeledColorField value={unlabeledColor} onChange={setUnlabeledColor} testId="import-unlabeled-color" />}
          <p className="import-help muted" data-testid="import-help">
            {IMPORT_FORMAT_HELP[format]}
          </p>
        </div>
      )}
      <InlineError message={error} />
    </form>
  );
}
