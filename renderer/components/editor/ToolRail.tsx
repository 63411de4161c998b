import type { Editor, EditorSnapshot } from '../../editor/editor';
import type { ToolId } from '../../editor/tools/tool';
import { ToolIcon } from './icons';

const TOOLS: { id: ToolId; name: string; key: string }[] = [
  { id: 'brush', name: 'Brush', key: 'B' },
  { id: 'eraser', name: 'Eraser', key: 'E' },
  { id: 'fill', name: 'Fill', key: 'G' },
  { id: 'polygon', name: 'Polygon / lasso', key: 'L' },
  { id: 'superpixel', name: 'Superpixel brush', key: 'S' },
  { id: 'pan', name: 'Pan', key: 'H' },
];

export function ToolRail({ editor, snapshot }: { editor: Editor; snapshot: EditorSnapshot }) {
  return (
    <nav className="tool-rail" aria-label="Tools">
      {TOOLS.map((t) => (
        <button
          key={t.id}
          className={`tool-btn${snapshot.tool === t.id ? ' active' : ''}`}
          onClick={() => editor.setTool(t.id)}
          title={`${t.name} (${t.key})`}
          aria-label={t.name}
          aria-pressed={snapshot.tool === t.id}
          data-testid={`tool-${t.id}`}
        >
          <ToolIcon tool={t.id} />
          <span className="tool-key">{t.key}</span>
        </button>
      ))}
      <div className="tool-rail-sep" />
      <button className="tool-btn" onClick={() => editor.undo()} disabled={!snapshot.canUndo} title="Undo (Ctrl+Z)" aria-label="Undo" data-testid="editor-undo">
        ↶
      </button>
      <button className="tool-btn" onClick={() => editor.redo()} disabled={!snapshot.canRedo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo" data-testid="editor-redo">
        ↷
      </button>
    </nav>
  );
}
