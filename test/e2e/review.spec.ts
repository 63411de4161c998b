import Database from 'better-sqlite3';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Locator, Page } from '@playwright/test';
import { writeRectangleSet } from '../fixtures/segmentationSet';
import { cli, expect, openStudio, test } from './studioFixtures';

const SHOTS = process.env.REVIEW_SCREENS ?? '/tmp/fcn-studio-review';
const SIZE = 48;
const UNLABELED = ['rect010', 'rect011'];
const VAL = ['rect008', 'rect009'];

/** Two classes; 8 labeled train and 2 labeled val rectangle images, 2 unlabeled ones; a 3-epoch run trained by the CLI. */
async function trainedProject(dir: string): Promise<string> {
  const project = join(dir, 'review');
  const classes = join(dir, 'classes.json');
  writeFileSync(classes, JSON.stringify({ classes: [{ id: 0, name: 'background', color: [0, 0, 0] }, { id: 1, name: 'box', color: [230, 160, 20] }] }));
  cli('init', '--project', project, '--classes', classes);
  const set = await writeRectangleSet(join(dir, 'set'), 12, SIZE);
  const moveTo = (stems: string[], name: string, withLabels: boolean) => {
    const images = join(dir, name, 'images');
    const labels = join(dir, name, 'labels');
    mkdirSync(images, { recursive: true });
    mkdirSync(labels, { recursive: true });
    for (const stem of stems) {
      renameSync(join(set.images, `${stem}.png`), join(images, `${stem}.png`));
      if (withLabels) renameSync(join(set.labels, `${stem}.png`), join(labels, `${stem}.png`));
    }
    return { images, labels };
  };
  const val = moveTo(VAL, 'val', true);
  const unlabeled = moveTo(UNLABELED, 'unlabeled', false);
  cli('import', '--project', project, '--images', set.images, '--labels', set.labels, '--format', 'png-gray', '--split', 'train', '--json');
  cli('import', '--project', project, '--images', val.images, '--labels', val.labels, '--format', 'png-gray', '--split', 'val', '--json');
  cli('import', '--project', project, '--images', unlabeled.images, '--json');
  cli('train', '--project', project, '--epochs', '20', '--batch', '2', '--backend', 'wasm', '--size', String(SIZE), '--lr', '0.003', '--json');
  return project;
}

function query<T>(project: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(project, 'project.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const pixels = (png: Buffer) => decode(png).data as Uint8Array;

function storedMask(project: string, imageId: number): { version: number; values: Uint8Array } {
  const [row] = query<{ version: number; png: Buffer }>(project, 'SELECT version, png FROM label_masks WHERE image_id = ? ORDER BY version DESC LIMIT 1', imageId);
  return { version: row.version, values: pixels(row.png) };
}

function storedPrediction(project: string, imageId: number): Uint8Array {
  const [row] = query<{ mask: Buffer }>(project, 'SELECT mask_png AS mask FROM predictions WHERE image_id = ? ORDER BY run_id DESC LIMIT 1', imageId);
  return pixels(row.mask);
}

async function pagePoint(canvas: Locator, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await canvas.boundingBox())!;
  const t = await canvas.evaluate((el) => ({ scale: Number(el.dataset.scale), tx: Number(el.dataset.tx), ty: Number(el.dataset.ty) }));
  return { x: box.x + t.tx + (x + 0.5) * t.scale, y: box.y + t.ty + (y + 0.5) * t.scale };
}

async function expectSaved(page: Page, version: number): Promise<void> {
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-version', String(version));
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
}

function imageIdOf(project: string, stem: string): number {
  return query<{ id: number }>(project, 'SELECT id FROM images WHERE stem = ?', stem)[0].id;
}

test('predicts from the grid, orders label-next by entropy, accepts where unlabeled with undo and redo, and accepts inside a lasso', async ({ page, studio }) => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  const project = await trainedProject(studio.dir);
  await openStudio(page, studio);
  await page.getByTestId('open-path').fill(project);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(12);

  // Predict every image of the train split, then the unlabeled ones: nothing is predicted before.
  const bar = page.getByTestId('prediction-bar');
  await expect(bar.getByTestId('prediction-run')).toHaveText('Run 1: 0 predicted');
  await bar.getByTestId('predict-target').selectOption('train');
  await bar.getByTestId('predict-start').click();
  await expect(bar.getByTestId('predict-message')).toHaveText('Run 1 predicted 8 images.', { timeout: 30_000 });
  await bar.getByTestId('predict-target').selectOption('unlabeled');
  await bar.getByTestId('predict-start').click();
  await expect(bar.getByTestId('predict-message')).toHaveText('Run 1 predicted 2 images.', { timeout: 30_000 });
  await expect(bar.getByTestId('prediction-run')).toHaveText('Run 1: 10 predicted');
  await expect(page.getByTestId('card-prediction')).toHaveCount(10);
  // Predictions never change labels: the unlabeled images still have none.
  expect(query(project, 'SELECT * FROM label_masks WHERE image_id IN (?, ?)', ...UNLABELED.map((s) => imageIdOf(project, s)))).toEqual([]);

  // The grid's "most uncertain first" order is the stored entropies' order.
  await bar.getByTestId('prediction-filter').selectOption('predicted');
  await bar.getByTestId('prediction-order').selectOption('uncertain');
  const byEntropy = query<{ fileName: string }>(
    project,
    'SELECT i.file_name AS fileName FROM predictions p JOIN images i ON i.id = p.image_id ORDER BY p.mean_entropy DESC',
  ).map((r) => r.fileName);
  await expect.poll(() => page.getByTestId('image-card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.fileName))).toEqual(byEntropy);
  await page.screenshot({ path: join(SHOTS, 'grid-by-uncertainty.png') });

  // Open the first unlabeled image: its prediction shows at once.
  const first = imageIdOf(project, UNLABELED[0]);
  await page.locator(`[data-testid="image-card"][data-file-name="${UNLABELED[0]}.png"]`).dblclick();
  const canvas = page.getByTestId('editor-canvas');
  await expect(canvas).toHaveAttribute('data-prediction', 'prediction');
  await expect(page.getByTestId('review-entropy')).toHaveText(/^\d+\.\d{3}$/);
  await expect(page.getByTestId('review-iou')).toHaveText('—');
  await page.screenshot({ path: join(SHOTS, 'editor-prediction.png') });
  await page.keyboard.press('c');
  await expect(canvas).toHaveAttribute('data-prediction', 'confidence');
  await page.screenshot({ path: join(SHOTS, 'editor-confidence.png') });
  await page.keyboard.press('c');
  await page.keyboard.press('c');
  await expect(canvas).toHaveAttribute('data-prediction', 'prediction');

  // U: accept where unlabeled, one step; undo and redo, each saved as a version.
  const predicted = storedPrediction(project, first);
  await canvas.focus();
  await page.keyboard.press('u');
  await expectSaved(page, 1);
  expect(Buffer.from(storedMask(project, first).values).equals(Buffer.from(predicted))).toBe(true);
  await expect(page.getByTestId('editor-image-status')).toHaveText('Needs review');
  await page.keyboard.press('Control+z');
  await expectSaved(page, 2);
  expect(storedMask(project, first).values.every((v) => v === 255)).toBe(true);
  await page.keyboard.press('Control+Shift+z');
  await expectSaved(page, 3);
  expect(Buffer.from(storedMask(project, first).values).equals(Buffer.from(predicted))).toBe(true);
  await page.keyboard.press('c');
  await page.keyboard.press('c');
  await expect(canvas).toHaveAttribute('data-prediction', 'errors');
  await page.screenshot({ path: join(SHOTS, 'editor-accepted-errors.png') });

  // Label next (J): the most uncertain image still to label, by the stored entropies.
  const [expectedNext] = query<{ fileName: string }>(
    project,
    `SELECT i.file_name AS fileName FROM predictions p JOIN images i ON i.id = p.image_id
     WHERE i.done = 0 AND i.needs_review = 0 ORDER BY p.mean_entropy DESC LIMIT 1`,
  );
  expect(expectedNext.fileName).toBe(`${UNLABELED[1]}.png`);
  await page.keyboard.press('j');
  await expect(page.getByTestId('editor-file-name')).toHaveText(expectedNext.fileName);
  // Check next (Shift+J's button) names the labeled image of lowest IoU with its label.
  const [lowest] = query<{ imageId: number }>(project, 'SELECT image_id AS imageId FROM predictions WHERE iou IS NOT NULL ORDER BY iou ASC, image_id LIMIT 1');
  await expect(page.getByTestId('nav-check-next')).toHaveAttribute('data-next-image-id', String(lowest.imageId));

  // "Predict again" from the editor: a new prediction is stored and shown (the panel waits for its job).
  const second = imageIdOf(project, UNLABELED[1]);
  const stamp = () => query<{ at: string }>(project, 'SELECT created_at AS at FROM predictions WHERE image_id = ?', second)[0].at;
  const before = stamp();
  await page.getByTestId('predict-image').click();
  await expect(page.getByTestId('predict-cancel')).toBeHidden({ timeout: 30_000 });
  await expect.poll(stamp).not.toBe(before);
  await expect(canvas).toHaveAttribute('data-prediction', /prediction|confidence|errors/);

  // Lasso accept: only inside the polygon.
  await page.getByTestId('accept-lasso').click();
  for (const [x, y] of [[6, 6], [30, 6], [30, 30], [6, 30]]) {
    const p = await pagePoint(canvas, x, y);
    await page.mouse.click(p.x, p.y);
  }
  await page.keyboard.press('Enter');
  await expectSaved(page, 1);
  const lasso = storedMask(project, second).values;
  const prediction2 = storedPrediction(project, second);
  for (const [x, y] of [[10, 10], [20, 20], [28, 8]]) expect(lasso[y * SIZE + x]).toBe(prediction2[y * SIZE + x]);
  for (const [x, y] of [[2, 2], [40, 40], [40, 10], [10, 40]]) expect(lasso[y * SIZE + x]).toBe(255);
  await page.screenshot({ path: join(SHOTS, 'editor-lasso-accepted.png') });
});
