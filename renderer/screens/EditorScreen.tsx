import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { LabelClass } from '../../shared/domain/classes';
import { ClassLegend } from '../components/editor/ClassLegend';
import { ReviewPanel } from '../components/editor/ReviewPanel';
import { EditorCanvas } from '../components/editor/EditorCanvas';
import { SaveStatusBadge } from '../components/editor/SaveStatusBadge';
import { ShortcutOverlay } from '../components/editor/ShortcutOverlay';
import { ToolOptions } from '../components/editor/ToolOptions';
import { ImageAdjustPanel } from '../components/editor/ImageAdjustPanel';
import { useImageAdjust } from '../hooks/useImageAdjust';
import { IMAGE_ADJUST_DEFAULTS, stepGamma } from '../editor/imageAdjust';
import { ToolRail } from '../components/editor/ToolRail';
import '../components/editor/editor.css';
import { InlineError } from '../components/InlineError';
import { LiveToggle } from '../components/live/LiveToggle';
import { useLive, useLivePredictionLayer } from '../hooks/useLive';
import { useClasses } from '../hooks/useClasses';
import { useClient } from '../hooks/ClientContext';
import { ALL_IMAGES, useImages } from '../hooks/useImages';
import { useLabelNextQueue } from '../hooks/useLabelNextQueue';
import type { SaveStatus } from '../editor/autosave';
import type { Editor } from '../editor/editor';
import { chordOf, DEFAULT_KEYMAP, keyLookup, type EditorAction } from '../editor/keymap';
import { EditorSession } from '../editor/session';
import type { ToolId, ToolSettings } from '../editor/tools/tool';
import { STATUS_NAMES } from '../state/displayNames';
import { errorMessage } from '../state/errorMessage';

interface Props {
  /** The project's path: the display adjustment is remembered per project. */
  projectKey: string;
  imageId: number;
  /** Image ids in the grid's order: what next/previous walk through. */
  order: readonly number[];
  onNavigate(imageId: number): void;
  onClose(): void;
  /** Opens the training drawer over the editor (its run rows can predict the open image). */
  onOpenTraining?(): void;
}

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const SCREEN_KEYS = keyLookup(DEFAULT_KEYMAP, IS_MAC);

/** Opens the editor session of `imageId` once the classes are known; replaces it when the image changes. */
function useEditorSession(imageId: number, classes: readonly LabelClass[] | null, onAction: (a: EditorAction) => void, onError: (message: string) => void) {
  const client = useClient();
  // Keyed by image, so a new image shows nothing stale while it loads.
  const [opened, setOpened] = useState<{ imageId: number; session: EditorSession | null; error: string | null } | null>(null);
  const [save, setSave] = useState<SaveStatus | null>(null);
  const actionRef = useRef(onAction);
  const errorRef = useRef(onError);
  useEffect(() => {
    actionRef.current = onAction;
    errorRef.current = onError;
  });
  const haveClasses = classes !== null;
  // The tool, its settings and the class carry over from image to image (label next, fix with the
  // brush, next…); only accepting by region is a one-off mode that starts off again.
  const carried = useRef<{ tool: ToolId; settings: ToolSettings } | null>(null);
  const classesRef = useRef(classes);
  useEffect(() => {
    classesRef.current = classes;
  });

  useEffect(() => {
    if (!haveClasses) return;
    let opened: EditorSession | null = null;
    let cancelled = false;
    EditorSession.open(client, imageId, classesRef.current ?? [], { onSave: setSave, onAction: (a) => actionRef.current(a), onError: (m) => errorRef.current(m) }).then(
      (s) => {
        if (cancelled) return s.dispose();
        if (carried.current) {
          s.editor.updateSettings({ ...carried.current.settings, acceptRegion: false });
          s.editor.setTool(carried.current.tool);
        }
        opened = s;
        setSave(s.autosave.current);
        setOpened({ imageId, session: s, error: null });
      },
      (e) => !cancelled && setOpened({ imageId, session: null, error: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
      if (opened) {
        carried.current = { tool: opened.editor.tool, settings: { ...opened.editor.settings } };
        // Edits still pending are saved on the way out; a failure was already shown before leaving.
        void opened.autosave.flush().catch(() => {}).finally(() => opened!.dispose());
      }
    };
  }, [client, imageId, haveClasses]);

  const current = opened?.imageId === imageId ? opened : null;
  const session = current?.session ?? null;
  useEffect(() => {
    if (session && classes) session.editor.setClasses(classes);
  }, [session, classes]);

  return { session, loadError: current?.error ?? null, save: session ? save : null };
}

function useEditorSnapshot(editor: Editor | null) {
  const subscribe = useCallback((l: () => void) => (editor ? editor.subscribe(l) : () => {}), [editor]);
  return useSyncExternalStore(subscribe, () => editor?.getSnapshot() ?? null);
}

export function EditorScreen({ projectKey, imageId, order, onNavigate, onClose, onOpenTraining }: Props) {
  const [imageAdjust, setImageAdjust] = useImageAdjust(projectKey);
  const client = useClient();
  const { classes } = useClasses();
  const images = useImages(ALL_IMAGES);
  const rows = useMemo(() => new Map((images.data ?? []).map((r) => [r.id, r])), [images.data]);
  const row = rows.get(imageId);
  const [helpOpen, setHelpOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  const index = order.indexOf(imageId);
  const sessionRef = useRef<EditorSession | null>(null);

  /** Saves what is pending, then moves on; a failed save keeps the user here with the reason. */
  const leaveTo = useCallback(
    async (go: () => void) => {
      const s = sessionRef.current;
      setLeaving(true);
      try {
        if (s) await s.autosave.flush();
        setError(null);
        go();
      } catch (e) {
        setError(`Your last edits are not saved yet (${errorMessage(e)}). Resolve it before leaving this image.`);
      } finally {
        setLeaving(false);
      }
    },
    [],
  );
  const step = useCallback(
    (delta: number) => {
      if (order.length === 0) return;
      const next = order[(index + delta + order.length) % order.length];
      if (next !== imageId) void leaveTo(() => onNavigate(next));
    },
    [order, index, imageId, leaveTo, onNavigate],
  );
  const nextUnlabeled = useCallback(() => {
    for (let k = 1; k <= order.length; k++) {
      const id = order[(index + k) % order.length];
      if (id !== imageId && rows.get(id)?.status === 'unlabeled') return void leaveTo(() => onNavigate(id));
    }
    setError('Every other image already has labels.');
  }, [order, index, imageId, rows, leaveTo, onNavigate]);
  const labelNext = useLabelNextQueue(imageId, 'uncertain');
  const checkNext = useLabelNextQueue(imageId, 'disagreement');
  const goTo = useCallback(
    (queue: ReturnType<typeof useLabelNextQueue>) => {
      if (!queue.next) return setError(queue.emptyReason);
      const id = queue.next.imageId;
      void leaveTo(() => onNavigate(id));
    },
    [leaveTo, onNavigate],
  );
  const goLabelNext = useCallback(() => goTo(labelNext), [goTo, labelNext]);
  const goCheckNext = useCallback(() => goTo(checkNext), [goTo, checkNext]);
  const isDone = row?.status === 'done';
  const refreshImages = images.refresh;
  const toggleDone = useCallback(async () => {
    try {
      await sessionRef.current?.autosave.flush();
      await client.invoke('images:setDone', { ids: [imageId], done: !isDone });
      refreshImages();
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [client, imageId, isDone, refreshImages]);

  const onAction = useCallback(
    (action: EditorAction) => {
      if (action === 'nav.next') step(1);
      else if (action === 'nav.prev') step(-1);
      else if (action === 'nav.nextUnlabeled') nextUnlabeled();
      else if (action === 'nav.labelNext') goLabelNext();
      else if (action === 'nav.checkNext') goCheckNext();
      else if (action === 'image.done') void toggleDone();
      else if (action === 'help.toggle') setHelpOpen((o) => !o);
      else if (action === 'gesture.cancel') setHelpOpen(false);
      else if (action === 'display.brighter') setImageAdjust((a) => ({ gamma: stepGamma(a.gamma, 1) }));
      else if (action === 'display.darker') setImageAdjust((a) => ({ gamma: stepGamma(a.gamma, -1) }));
      else if (action === 'display.reset') setImageAdjust({ ...IMAGE_ADJUST_DEFAULTS });
    },
    [step, nextUnlabeled, goLabelNext, goCheckNext, toggleDone, setImageAdjust],
  );
  const { session, loadError, save } = useEditorSession(imageId, classes, onAction, setError);
  useEffect(() => {
    sessionRef.current = session;
  }, [session]);
  const editor = session?.editor ?? null;
  const snapshot = useEditorSnapshot(editor);
  const live = useLive(imageId);
  useLivePredictionLayer(session, live.prediction);

  useEffect(() => {
    if (session && snapshot?.settings.fillMode !== 'label' && snapshot?.tool === 'fill') session.loadImagePixels();
  }, [session, snapshot?.settings.fillMode, snapshot?.tool]);

  // Keys go to the editor unless the user is typing in a field; while an image loads, the
  // navigation keys still work (so holding N flips through images).
  useEffect(() => {
    const typing = (e: KeyboardEvent) => e.target instanceof HTMLElement && e.target.closest('input, select, textarea') !== null;
    const down = (e: KeyboardEvent) => {
      if (typing(e) && e.key !== 'Escape') return;
      if (editor) {
        if (editor.keyDown(e)) e.preventDefault();
        return;
      }
      const action = SCREEN_KEYS.get(chordOf(e, IS_MAC));
      if (action && (action.startsWith('nav.') || action === 'help.toggle' || action === 'gesture.cancel')) {
        e.preventDefault();
        onAction(action);
      }
    };
    const up = (e: KeyboardEvent) => editor?.keyUp(e);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [editor, onAction]);

  // Closing the window with edits not yet saved asks first.
  useEffect(() => {
    const guard = (e: BeforeUnloadEvent) => {
      if (sessionRef.current?.autosave.dirty) e.preventDefault();
    };
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, []);

  const resolve = (action: () => Promise<void>) => action().then(() => setError(null), (e) => setError(errorMessage(e)));
  const zoom = snapshot ? Math.round(snapshot.scale * 1000) / 10 : null;
  const cursorClass = snapshot?.cursor ? classes?.find((c) => c.value === snapshot.cursor!.value) : undefined;

  return (
    <div className="editor-screen" data-testid="editor-screen" data-image-id={imageId} data-superpixels={snapshot?.superpixels}>
      <header className="app-header editor-header">
        <button className="btn btn-ghost" onClick={() => void leaveTo(onClose)} disabled={leaving} data-testid="editor-back" title="Back to the image grid">
          ← Images
        </button>
        <div className="editor-title">
          <span className="header-name" data-testid="editor-file-name" title={row?.path}>
            {row?.fileName ?? '…'}
          </span>
          <span className="muted editor-position">
            {index + 1} / {order.length}
            {row && ` · ${row.width}×${row.height}`}
          </span>
          {row && (
            <span className={`chip status-${row.status}`} data-testid="editor-image-status">
              {STATUS_NAMES[row.status]}
            </span>
          )}
        </div>
        <div className="editor-nav">
          <button className="btn btn-icon" onClick={() => step(-1)} disabled={leaving || order.length < 2} title="Previous image (← or P)" aria-label="Previous image" data-testid="nav-prev">
            ‹
          </button>
          <button className="btn btn-icon" onClick={() => step(1)} disabled={leaving || order.length < 2} title="Next image (→ or N)" aria-label="Next image" data-testid="nav-next">
            ›
          </button>
          <button className="btn" onClick={nextUnlabeled} disabled={leaving} title="Next unlabeled image (Shift+N)" data-testid="nav-next-unlabeled">
            Next unlabeled
          </button>
          <button
            className="btn"
            onClick={goLabelNext}
            disabled={leaving}
            title={labelNext.next ? `The image the model is least sure of (J); run ${labelNext.runId}` : (labelNext.emptyReason ?? '')}
            data-testid="nav-label-next"
            data-next-image-id={labelNext.next?.imageId}
          >
            Label next{labelNext.next && <span className="muted"> · {labelNext.next.score.toFixed(3)}</span>}
          </button>
          <button
            className="btn"
            onClick={goCheckNext}
            disabled={leaving}
            title={checkNext.next ? `The labeled image whose prediction agrees least with its label (Shift+J); run ${checkNext.runId}` : (checkNext.emptyReason ?? '')}
            data-testid="nav-check-next"
            data-next-image-id={checkNext.next?.imageId}
          >
            Check next{checkNext.next && <span className="muted"> · IoU {(checkNext.next.score * 100).toFixed(0)}%</span>}
          </button>
          <button className={`btn${row?.status === 'done' ? ' btn-active' : ''}`} onClick={() => void toggleDone()} title="Mark this image done (D)" data-testid="mark-done">
            {row?.status === 'done' ? '✓ Done' : 'Mark done'}
          </button>
        </div>
        <div className="header-actions">
          <LiveToggle live={live} />
          {onOpenTraining && (
            <button className="btn" onClick={onOpenTraining} title="Runs: train, compare, predict this image with any run" data-testid="editor-training-open">
              Runs
            </button>
          )}
          {save && <SaveStatusBadge status={save} onRetry={() => session?.autosave.retryNow()} />}
          <button className="btn btn-icon" onClick={() => setHelpOpen(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" data-testid="shortcuts-open">
            ?
          </button>
        </div>
      </header>
      {save?.state === 'conflict' && session && (
        <div className="conflict-banner" role="alert" data-testid="conflict-banner">
          <span>
            <strong>This mask was saved from another window since you opened it.</strong> Your edits are kept here and were not saved. Keep yours to save them over the other version, or reload
            the other version (your edits here are discarded).
          </span>
          <button className="btn btn-primary" onClick={() => void resolve(() => session.keepMine())} data-testid="conflict-keep">
            Keep mine
          </button>
          <button className="btn" onClick={() => void resolve(() => session.reloadStored())} data-testid="conflict-reload">
            Reload theirs
          </button>
        </div>
      )}
      {(error || loadError) && (
        <div className="editor-error">
          <InlineError message={error ?? loadError} />
        </div>
      )}
      <div className="editor-body">
        {editor && snapshot ? <ToolRail editor={editor} snapshot={snapshot} /> : <nav className="tool-rail" />}
        <div className="editor-stage-wrap">
          {session ? <EditorCanvas key={session.imageId} session={session} imageAdjust={imageAdjust} /> : !loadError && <div className="editor-loading">Loading image…</div>}
          {snapshot && (
            <div className="editor-hud" data-testid="editor-hud">
              <span data-testid="zoom-level">{zoom}%</span>
              <button className="hud-btn" onClick={() => editor!.fit()} title="Fit (F)">
                Fit
              </button>
              <button className="hud-btn" onClick={() => editor!.actualSize()} title="Actual size (A)">
                100%
              </button>
              {snapshot.cursor && (
                <span className="hud-cursor">
                  {snapshot.cursor.x}, {snapshot.cursor.y} · {snapshot.cursor.value === 255 ? 'unlabeled' : (cursorClass?.name ?? `value ${snapshot.cursor.value}`)}
                </span>
              )}
              {snapshot.message && <span className="hud-message">{snapshot.message}</span>}
            </div>
          )}
        </div>
        <aside className="sidebar editor-panel">
          {editor && snapshot && classes && (
            <>
              <ClassLegend editor={editor} snapshot={snapshot} classes={classes} />
              <ReviewPanel
                editor={editor}
                snapshot={snapshot}
                classes={classes}
                imageId={imageId}
                labelVersion={save?.version ?? null}
                onPredicted={(runId) => void session?.loadPrediction(runId).catch((e) => setError(errorMessage(e)))}
              />
              <ToolOptions editor={editor} snapshot={snapshot} />
              <ImageAdjustPanel adjust={imageAdjust} onChange={setImageAdjust} />
            </>
          )}
        </aside>
      </div>
      {helpOpen && <ShortcutOverlay keymap={DEFAULT_KEYMAP} isMac={IS_MAC} onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
