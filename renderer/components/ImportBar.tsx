import { useState, type FormEvent } from 'react';
import { SPLITS, type Split } from '../../shared/domain/images';
import { SPLIT_NAMES } from '../state/displayNames';
import { errorMessage } from '../state/errorMessage';
import { InlineError } from './InlineError';

interface Props {
  onImport(paths: string[], copyIntoProject: boolean, split?: Split): Promise<void>;
  onChooseFiles(files: File[], split?: Split): void;
}

/** Paths live on the backend's machine (browser mode may run elsewhere), so they are typed, not picked. */
export function ImportBar({ onImport, onChooseFiles }: Props) {
  const [path, setPath] = useState('');
  const [copy, setCopy] = useState(false);
  const [split, setSplit] = useState<Split | ''>('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await onImport([path.trim()], copy, split || undefined);
      setError(null);
      setPath('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="import-bar" onSubmit={submit} data-testid="import-bar">
      <input
        className="input import-path"
        placeholder="Image file or folder path, e.g. /data/street-scenes"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        aria-label="Image file or folder path"
        data-testid="import-path"
      />
      <label className="check">
        <input type="checkbox" checked={copy} onChange={(e) => setCopy(e.target.checked)} data-testid="import-copy" />
        Copy into project
      </label>
      <select className="select" value={split} onChange={(e) => setSplit(e.target.value as Split | '')} aria-label="Split for imported images" data-testid="import-split">
        <option value="">No split</option>
        {SPLITS.filter((s) => s !== 'unassigned').map((s) => (
          <option key={s} value={s}>
            {SPLIT_NAMES[s]}
          </option>
        ))}
      </select>
      <button className="btn btn-primary" type="submit" disabled={busy || !path.trim()} data-testid="import-submit">
        Import
      </button>
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
      <InlineError message={error} />
    </form>
  );
}
