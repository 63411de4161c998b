import { displayChord, type KeyBinding } from '../../editor/keymap';

/** Every shortcut, listed from the keymap table itself. */
export function ShortcutOverlay({ keymap, isMac, onClose }: { keymap: readonly KeyBinding[]; isMac: boolean; onClose(): void }) {
  const groups = [...new Set(keymap.map((b) => b.group))];
  const rows = (group: string) => {
    const list = keymap.filter((b) => b.group === group);
    // The ten class keys read better as one line.
    const classes = list.filter((b) => b.action.startsWith('class.'));
    const others = list.filter((b) => !b.action.startsWith('class.'));
    return [...(classes.length ? [{ action: 'class', keys: ['1 … 9', '0'], description: 'Pick the 1st … 10th class', group }] : []), ...others];
  };
  return (
    <div className="modal-backdrop" onClick={onClose} data-testid="shortcut-overlay">
      <div className="modal shortcut-modal" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <div className="shortcut-head">
          <h2>Keyboard shortcuts</h2>
          <button className="icon-btn" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <div className="shortcut-groups">
          {groups.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <dl>
                {rows(g).map((b) => (
                  <div className="shortcut-row" key={b.action}>
                    <dt>{b.description}</dt>
                    <dd>
                      {b.keys.map((k) => (
                        <kbd key={k}>{displayChord(k, isMac)}</kbd>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <p className="muted shortcut-foot">Wheel zooms at the cursor · Space-drag or middle-drag pans · Alt-drag resizes the brush</p>
      </div>
    </div>
  );
}
