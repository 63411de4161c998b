import { SUPERPIXEL_SIZES, type SuperpixelSize } from '../../../shared/mask/slic';
import { MAX_BRUSH, MIN_BRUSH, type Editor, type EditorSnapshot } from '../../editor/editor';

const SUPERPIXEL_SIZE_CHOICES = Object.keys(SUPERPIXEL_SIZES) as SuperpixelSize[];
const SUPERPIXEL_SIZE_NAMES: Record<SuperpixelSize, string> = { small: 'Small', medium: 'Medium', large: 'Large' };

/** Settings of the active tool, and the label layer's visibility and opacity. */
export function ToolOptions({ editor, snapshot }: { editor: Editor; snapshot: EditorSnapshot }) {
  const s = snapshot.settings;
  const brushLike = snapshot.tool === 'brush' || snapshot.tool === 'eraser' || snapshot.tool === 'superpixel';
  const paints = snapshot.tool !== 'eraser' && snapshot.tool !== 'pan';
  return (
    <section className="panel editor-options">
      <div className="panel-title">
        <h2>Tool</h2>
      </div>
      {brushLike && (
        <>
          <label className="option-row">
            <span>Size</span>
            <input type="range" min={MIN_BRUSH} max={200} value={Math.min(200, s.brushSize)} onChange={(e) => editor.updateSettings({ brushSize: Number(e.target.value) })} aria-label="Brush size" />
            <input className="input input-num" type="number" min={MIN_BRUSH} max={MAX_BRUSH} value={s.brushSize} onChange={(e) => editor.updateSettings({ brushSize: Number(e.target.value) || 1 })} data-testid="brush-size" aria-label="Brush size in pixels" />
          </label>
          <div className="option-row">
            <span>Tip</span>
            <div className="segmented">
              {(['round', 'square'] as const).map((shape) => (
                <button key={shape} className={s.brushShape === shape ? 'active' : ''} onClick={() => editor.updateSettings({ brushShape: shape })} data-testid={`brush-${shape}`}>
                  {shape === 'round' ? 'Round' : 'Square'}
                </button>
              ))}
            </div>
          </div>
        </>
      )}
      {snapshot.tool === 'fill' && (
        <>
          <label className="option-row">
            <span>Fill</span>
            <select className="select" value={s.fillMode} onChange={(e) => editor.updateSettings({ fillMode: e.target.value as typeof s.fillMode })} data-testid="fill-mode">
              <option value="label">Connected label region</option>
              <option value="image">Similar image colour</option>
              <option value="both">Similar colour in region</option>
            </select>
          </label>
          {s.fillMode !== 'label' && (
            <label className="option-row">
              <span>Tolerance</span>
              <input type="range" min={0} max={128} value={s.fillTolerance} onChange={(e) => editor.updateSettings({ fillTolerance: Number(e.target.value) })} data-testid="fill-tolerance" />
              <span className="option-value">{s.fillTolerance}</span>
            </label>
          )}
        </>
      )}
      {snapshot.tool === 'brush' && s.acceptRegion && <p className="option-help muted">The brush accepts the prediction where it passes (Shift or K: only where unlabeled).</p>}
      {snapshot.tool === 'polygon' && (
        <p className="option-help muted">
          Click to add points, click the first point, double-click or press Enter to {s.acceptRegion ? 'accept the prediction inside it' : 'fill'}. Drag to draw a lasso.
        </p>
      )}
      {snapshot.tool === 'superpixel' && (
        <div className="option-row" title="Superpixel size (levels are stretched first, so they follow edges in dark images too)">
          <span>Grain</span>
          <div className="segmented segmented-compact">
            {SUPERPIXEL_SIZE_CHOICES.map((size) => (
              <button key={size} className={s.superpixelSize === size ? 'active' : ''} onClick={() => editor.updateSettings({ superpixelSize: size })} data-testid={`superpixel-size-${size}`}>
                {SUPERPIXEL_SIZE_NAMES[size]}
              </button>
            ))}
          </div>
        </div>
      )}
      {snapshot.tool === 'superpixel' && snapshot.superpixels === 'computing' && <p className="option-help muted">Computing superpixels for this image…</p>}
      {snapshot.tool === 'pan' && <p className="option-help muted">Drag to move. Anywhere: hold Space or the middle button.</p>}
      {paints && (
        <label className="check option-check" title="Paint only unlabeled pixels (K; hold Shift to flip for one stroke)">
          <input type="checkbox" checked={s.protect} onChange={(e) => editor.updateSettings({ protect: e.target.checked })} data-testid="protect-labels" />
          Protect existing labels <kbd>K</kbd>
        </label>
      )}
      <div className="panel-title layer-title">
        <h2>Labels layer</h2>
      </div>
      <label className="option-row">
        <input type="checkbox" className="layer-check" checked={snapshot.labelsVisible} onChange={(e) => editor.setLabelsVisible(e.target.checked)} aria-label="Show labels (V)" data-testid="labels-visible" />
        <span>Opacity</span>
        <input type="range" min={5} max={100} value={Math.round(snapshot.opacity * 100)} onChange={(e) => editor.setOpacity(Number(e.target.value) / 100)} data-testid="labels-opacity" aria-label="Label opacity" />
        <span className="option-value">{Math.round(snapshot.opacity * 100)}%</span>
      </label>
    </section>
  );
}
