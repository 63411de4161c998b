import { useState, type FormEvent } from 'react';
import { CLASS_PRESETS, type ClassPreset } from '../../shared/domain/presets';
import { InlineError } from '../components/InlineError';
import { RecentProjectList } from '../components/RecentProjectList';
import type { ProjectSession } from '../hooks/useProjectSession';
import { PRESET_NAMES } from '../state/displayNames';
import { errorMessage } from '../state/errorMessage';

/** No project open: create one, open one by path, or pick a recent one. */
export function WelcomeScreen({ session }: { session: ProjectSession }) {
  const [createPath, setCreatePath] = useState('');
  const [preset, setPreset] = useState<ClassPreset>('voc');
  const [openPath, setOpenPath] = useState('');
  const [createError, setCreateError] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>, setError: (m: string | null) => void) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(() => session.create(createPath.trim(), preset), setCreateError);
  };
  const open = (e: FormEvent) => {
    e.preventDefault();
    void run(() => session.open(openPath.trim()), setOpenError);
  };

  return (
    <div className="welcome" data-testid="welcome-screen">
      <div className="welcome-inner">
        <div className="welcome-hero">
          <span className="brand-mark brand-mark-large" aria-hidden />
          <h1>FCN Studio</h1>
          <p className="muted">Label images pixel by pixel, train a segmentation model on your own machine, and let it help you label the rest.</p>
        </div>
        <InlineError message={session.loadError} />
        <div className="welcome-cards">
          <form className="card" onSubmit={create} data-testid="create-project-form">
            <h2>New project</h2>
            <label className="field">
              <span>Project folder</span>
              <input className="input" placeholder="/home/me/projects/street-scenes" value={createPath} onChange={(e) => setCreatePath(e.target.value)} data-testid="create-path" />
              <small className="muted">Created if it does not exist. Must be empty or new.</small>
            </label>
            <label className="field">
              <span>Classes</span>
              <select className="select" value={preset} onChange={(e) => setPreset(e.target.value as ClassPreset)} data-testid="create-preset">
                {CLASS_PRESETS.map((p) => (
                  <option key={p} value={p}>
                    {PRESET_NAMES[p]}
                  </option>
                ))}
              </select>
            </label>
            <InlineError message={createError} />
            <button className="btn btn-primary btn-block" type="submit" disabled={busy || !createPath.trim()} data-testid="create-submit">
              Create project
            </button>
          </form>
          <form className="card" onSubmit={open} data-testid="open-project-form">
            <h2>Open project</h2>
            <label className="field">
              <span>Project folder</span>
              <input className="input" placeholder="Folder that holds project.sqlite" value={openPath} onChange={(e) => setOpenPath(e.target.value)} data-testid="open-path" />
            </label>
            <InlineError message={openError} />
            <button className="btn btn-block" type="submit" disabled={busy || !openPath.trim()} data-testid="open-submit">
              Open project
            </button>
            <RecentProjectList recent={session.recent} disabled={busy} onOpen={(path) => void run(() => session.open(path), setOpenError)} onForget={session.forget} />
          </form>
        </div>
      </div>
    </div>
  );
}
