import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../../test/chromiumPath';
import { benchLine, type BenchSuite } from '../benchLine';
import type { EditorBenchResult } from './editorBenchPage';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Runs the editor bench page (editorBenchPage.ts) in headless Chromium — the tests' browser
 * (test/chromiumPath.ts) — and returns its timings; throws one sentence when Chromium does not start.
 */
export async function measureEditor(): Promise<EditorBenchResult> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./editorBenchPage.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  let browser;
  try {
    const executablePath = findChromium({ env: process.env, platform: process.platform, playwrightChromium: () => chromium.executablePath() });
    browser = await chromium.launch({ executablePath, args: ARGS });
  } catch (e) {
    throw new Error(`Chromium did not start (${(e as Error).message.split('\n')[0]})`, { cause: e });
  }
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    return await page.evaluate(() => (window as unknown as { editorBench(): Promise<EditorBenchResult> }).editorBench());
  } finally {
    await browser.close();
  }
}

/** The pointer-move line's note: what one move includes. */
export function pointerMoveNote(r: EditorBenchResult): string {
  return `p95 over ${r.moves} pointer moves of 300-point strokes, 40-px round brush, fit view (median ${r.pointerMoveMedianMs.toFixed(3)} ms; Chromium's timer resolution here is 0.1 ms), incl. segment raster, tile backup, dirty re-colour + putImageData; goal ≤ 4 ms`;
}

/**
 * The label editor in headless Chromium on a 4000×3000 image: pointer-move handling, stroke
 * commit, undo, a 6-megapixel flood fill and memory per pixel, each against a baseline measured
 * in the same run (one putImageData of the full 4000×3000 frame).
 */
export const editorBench: BenchSuite = {
  name: 'editor',
  async run(emit) {
    let r: EditorBenchResult;
    try {
      r = await measureEditor();
    } catch (e) {
      for (const id of ['pointermove_p95_ms', 'stroke_commit_ms', 'undo_ms', 'flood_fill_6mp_ms', 'bytes_per_pixel'])
        emit(benchLine(`editor.${id}`, null, id === 'bytes_per_pixel' ? 'B/px' : 'ms', null, (e as Error).message));
      return;
    }
    const base = r.baselinePutImageDataMs;
    const vs = `vs one putImageData of the full 4000×3000 frame (${base.toFixed(2)} ms); lower is better`;
    emit(benchLine('editor.pointermove_p95_ms', r.pointerMoveP95Ms, 'ms', base, `${pointerMoveNote(r)}; ${vs}`));
    emit(benchLine('editor.stroke_commit_ms', r.strokeCommitMs, 'ms', base, `pointer-up of a 300-point 40-px stroke across the image: tile diffs, RLE, class counts, history push (median of 6); goal ≤ 16 ms; ${vs}`));
    emit(benchLine('editor.undo_ms', r.undoMs, 'ms', base, `undo of such a stroke incl. re-render of its dirty rectangle (median of 3); goal ≤ 16 ms; ${vs}`));
    emit(benchLine('editor.flood_fill_6mp_ms', r.floodFill6mpMs, 'ms', base, `bucket fill of a ${(r.floodFillPixels / 1e6).toFixed(1)}-megapixel connected region incl. history and render (median of 3 after warm-up); goal ≤ 150 ms; profiled in Node: scanline search ~45%, tile diff + counts + RLE ~30%, tile backup ~12%, span paint ~6%; ${vs}`));
    emit(benchLine('editor.bytes_per_pixel', r.bytesPerPixel, 'B/px', 4, `editor memory per image pixel beyond the decoded picture: mask (1 B/px) + undo history of 6 strokes (${(r.historyBytes / 1024).toFixed(0)} KiB RLE) + counts; the screen-sized label view is excluded (independent of image size); baseline: 4 B/px of a full-resolution RGBA label canvas; goal ≤ 3`));
  },
};
