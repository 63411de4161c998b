import type { ToolId } from '../../editor/tools/tool';

const paths: Record<ToolId, string> = {
  brush: 'M4 20c2.5 0 4-1.5 4-3.5A2.5 2.5 0 0 0 5.5 14C4 14 3 15.2 3 17c0 1.2-.4 2.2-1 3h2zM9.5 13.5l2 2L20 7a1.4 1.4 0 0 0-2-2z',
  eraser: 'M16.2 3.8l4 4a1.5 1.5 0 0 1 0 2.1L11 19H6.5l-3-3a1.5 1.5 0 0 1 0-2.1l10.6-10.1a1.5 1.5 0 0 1 2.1 0zM8.5 10.5l5 5M11 19h9',
  fill: 'M5 11l6-6 7 7-6 6a1.4 1.4 0 0 1-2 0l-5-5a1.4 1.4 0 0 1 0-2zM5 12h13M8 2l3 3M20 15s2 2.4 2 3.5a2 2 0 0 1-4 0c0-1.1 2-3.5 2-3.5z',
  polygon: 'M5 6l9-3 7 8-6 9-11-4zM5 6v0M14 3v0',
  superpixel: 'M3 8l4-3 5 2 1 5-4 3-5-2zM12 7l5-3 4 4-2 5-6-1M9 15l4-3 6 1 1 5-5 2-5-2z',
  pan: 'M8 13V5.5a1.5 1.5 0 0 1 3 0V12m0-6.5v-1a1.5 1.5 0 0 1 3 0V12m0-6a1.5 1.5 0 0 1 3 0v6m0-3.5a1.5 1.5 0 0 1 3 0V15a7 7 0 0 1-7 7h-1a7 7 0 0 1-5.6-2.8L4 15.5a1.5 1.5 0 0 1 2.3-2z',
};

export function ToolIcon({ tool }: { tool: ToolId }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={paths[tool]} />
    </svg>
  );
}
