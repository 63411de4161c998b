import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { writeRectangleSet } from '../fixtures/segmentationSet';
import { cli, createProject, expect, openStudio, test } from './studioFixtures';
import { openTraining, rectangleProject } from './trainingProject';

const SCREENS = '/work/screens/runs';

function query<T>(project: string, sql: string): T[] {
  const db = new Database(join(project, 'project.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

async function screenshot(page: Page, name: string) {
  if (!existsSync('/work/screens')) return; // only where someone looks at them
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `${name}.png`) });
}

async function trainTinyRun(panel: Locator, epochs: number, runId: number) {
  await panel.getByTestId('training-epochs').fill(String(epochs));
  await panel.getByTestId('training-start').click();
  const row = panel.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row.getByTestId('run-status')).toHaveText(/Completed|Failed/, { timeout: 60_000 });
  if ((await row.getByTestId('run-status').textContent()) === 'Failed') throw new Error(`run ${runId} failed: ${await row.getByTestId('run-error').textContent()}`);
  return row;
}

test('two runs compared on one chart; the best checkpoint shows exactly what eval computes; a run is deleted with its checkpoints', async ({ page, studio }) => {
  const project = await rectangleProject(studio.dir, true);
  // Two images nobody labeled yet, for the run's Predict unlabeled.
  const unlabeled = await writeRectangleSet(join(studio.dir, 'unlabeled'), 2, 32, 5);
  cli('import', '--project', project, '--images', unlabeled.images, '--json');
  const panel = await openTraining(page, studio, project);
  await panel.getByTestId('training-backend').selectOption('wasm');
  await panel.getByTestId('training-advanced').getByText('Advanced').click();
  await panel.getByTestId('training-size').fill('32');
  await panel.getByTestId('training-lr').fill('0.003');
  await panel.getByTestId('training-batch').fill('2');
  // Every epoch validated, so the curves and the comparison have a point per epoch.
  await panel.getByTestId('training-validate-every').fill('0');

  // The form says what the run will train on before it starts.
  await expect(panel.getByTestId('training-data')).toHaveText('Trains on 8 labeled train images, validates on 4 labeled val images.');
  // (The two unlabeled images are in no split: nothing of train or val is left out.)
  await expect(panel.getByTestId('training-estimate')).toHaveText('No finished epoch of an FCN-8s · Small run yet to time this one by.');
  const first = await trainTinyRun(panel, 3, 1);
  // …and, after a run, what minutes buy at its speed.
  await panel.getByTestId('training-max-minutes').fill('0.05');
  await expect(panel.getByTestId('training-estimate')).toHaveText(/^About 3 s, ~\d+ epochs? at run #1's speed\.$|^About .* for 3 epochs at run #1's speed\.$/);
  await screenshot(page, 'form-estimate');
  await panel.getByTestId('training-max-minutes').fill('');
  const second = await trainTinyRun(panel, 6, 2);
  await expect(second.getByTestId('run-data')).toHaveText('8 train · 4 val images');
  await expect(second.getByTestId('run-epochs')).toHaveText('6 / 6 epochs');

  // Curves of the selected run: train loss, val loss and val mean IU on one chart.
  const curves = panel.getByTestId('training-chart');
  await expect(curves).toHaveAttribute('data-epochs', '6');
  await expect(curves.locator('.u-legend')).toContainText('Train loss');
  await expect(curves.locator('.u-legend')).toContainText('Val loss');
  await expect(curves.locator('.u-legend')).toContainText('Val mean IU');

  // Two runs on one compare chart.
  await expect(panel.getByTestId('compare-hint')).toBeVisible();
  await first.getByTestId('run-compare').check();
  await second.getByTestId('run-compare').check();
  const compare = panel.getByTestId('compare-chart');
  await expect(compare).toHaveAttribute('data-runs', '1,2');
  await expect(compare.locator('.u-legend')).toContainText('Run #1');
  await expect(compare.locator('.u-legend')).toContainText('Run #2');
  await compare.scrollIntoViewIfNeeded();
  await screenshot(page, 'compare');

  // Before evaluation: training's validation of the best epoch, labelled as such.
  await first.click();
  const detail = panel.getByTestId('run-detail');
  await expect(detail).toHaveAttribute('data-run-id', '1');
  await expect(detail).toHaveAttribute('data-source', 'training');
  await expect(detail.getByTestId('iou-bar')).toHaveCount(2);
  await expect(detail.getByTestId('confusion-cell')).toHaveCount(4);

  // Evaluate from the row: the screen then shows eval's numbers, equal to `fcn-studio eval --json`.
  await first.getByTestId('run-row-evaluate').click();
  await expect(detail).toHaveAttribute('data-source', 'eval', { timeout: 60_000 });
  const evaluated = JSON.parse(cli('eval', '--project', project, '--run', '1', '--json')) as {
    meanIoU: number;
    pixelAccuracy: number;
    perClassIoU: Array<number | null>;
    confusion: number[][];
  };
  await expect(detail.getByTestId('detail-mean-iou')).toHaveText(evaluated.meanIoU.toFixed(4));
  await expect(detail.getByTestId('detail-pixel-accuracy')).toHaveText(evaluated.pixelAccuracy.toFixed(4));
  const cells = await detail.getByTestId('confusion-cell').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(cells).toEqual(evaluated.confusion.flat());
  const bars = await detail.getByTestId('iou-bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
  expect(bars).toEqual(evaluated.perClassIoU.map((v) => (v === null ? '' : String(v))));
  await detail.scrollIntoViewIfNeeded();
  await screenshot(page, 'detail-confusion');

  // Predict the unlabeled images with run #2 (review's prediction job, started from the run row).
  await second.getByTestId('run-predict').click();
  await expect(second.getByTestId('run-predicted')).toHaveText('2 images predicted', { timeout: 60_000 });

  // The Export dialog offers those predictions as the masks to write.
  const predictedDir = join(studio.dir, 'predicted-masks');
  await panel.getByTestId('training-close').click();
  await page.getByTestId('export-open').click();
  const exportMasks = page.getByTestId('export-dialog');
  await exportMasks.getByTestId('export-format-png-gray').click();
  await exportMasks.getByTestId('export-out-dir').fill(predictedDir);
  await exportMasks.getByTestId('export-source').selectOption({ label: 'Predictions of run #2 (2)' });
  await exportMasks.getByTestId('export-submit').click();
  await expect(exportMasks).toContainText('2 masks written', { timeout: 30_000 });
  expect(readdirSync(predictedDir).filter((f) => f.endsWith('.png'))).toHaveLength(2);
  await page.keyboard.press('Escape');
  await page.getByTestId('training-open').click();

  // Export run #2's model as the CLI's `export --format model` does.
  const modelDir = join(studio.dir, 'model-export');
  await second.getByTestId('run-export').click();
  const exportDialog = page.getByTestId('export-model-dialog');
  await exportDialog.getByTestId('export-model-dir').fill(modelDir);
  await exportDialog.getByTestId('export-model-start').click();
  await expect(exportDialog.getByTestId('export-model-done')).toContainText(`model to ${modelDir}`, { timeout: 60_000 });
  expect(existsSync(join(modelDir, 'onnx', 'model.onnx'))).toBe(true);
  expect(existsSync(join(modelDir, 'tfjs', 'model.json'))).toBe(true);
  await exportDialog.getByRole('button', { name: 'Close' }).click();
  await expect(exportDialog).toHaveCount(0);

  // Delete run #1: the dialog says how much it frees first.
  await first.getByTestId('run-delete').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog.getByTestId('delete-run-impact')).toContainText(/checkpoints \(\d+(\.\d+)? [KM]B on disk\), 3 epochs of metrics and 4 stored predictions/);
  await screenshot(page, 'delete-dialog');
  await dialog.getByTestId('confirm-ok').click();
  await expect(first).toHaveCount(0);
  await expect(panel.getByTestId('run-row')).toHaveCount(1);
  expect(existsSync(join(project, 'checkpoints', 'run-1'))).toBe(false);
  expect(existsSync(join(project, 'checkpoints', 'run-2'))).toBe(true);
  await expect(panel.getByTestId('compare-hint')).toBeVisible();

  // A long run: the bar and the ETA are for the whole run, not the epoch.
  await panel.getByTestId('training-epochs').fill('300');
  await panel.getByTestId('training-start').click();
  await expect(panel.getByTestId('training-epoch')).toHaveText(/^Epoch ([3-9]|1\d) of 300$/, { timeout: 30_000 });
  const fraction = Number(await panel.getByTestId('training-run-bar').getAttribute('data-fraction'));
  expect(fraction).toBeGreaterThan(0);
  expect(fraction).toBeLessThan(20 / 300);
  await expect(panel.getByTestId('training-eta')).toHaveText(/^\d+ (s|min \d\d s)$/);
  await panel.getByTestId('training-progress').scrollIntoViewIfNeeded();
  await screenshot(page, 'progress');
  await panel.getByTestId('training-cancel').click();
  await expect(panel.locator('[data-testid="run-row"][data-run-id="3"]').getByTestId('run-status')).toHaveText('Cancelled');
});

const predictedImageIds = (project: string, runId: number) =>
  query<{ id: number }>(project, `SELECT image_id AS id FROM predictions WHERE run_id = ${runId} ORDER BY image_id`).map((r) => r.id);

const optionLabels = (select: Locator) => select.locator('option').evaluateAll((els) => els.map((e) => e.textContent));

test('a run row predicts a split, the grid selection or the open image', async ({ page, studio }) => {
  const project = await rectangleProject(studio.dir, true);
  const unlabeled = await writeRectangleSet(join(studio.dir, 'unlabeled'), 2, 32, 5);
  cli('import', '--project', project, '--images', unlabeled.images, '--json');
  cli('train', '--project', project, '--epochs', '1', '--batch', '2', '--backend', 'wasm', '--size', '32', '--json');
  const panel = await openTraining(page, studio, project);
  const row = panel.locator('[data-testid="run-row"][data-run-id="1"]');
  const target = row.getByTestId('run-predict-target');

  // Nothing open, nothing selected: unlabeled images and the splits only.
  expect(await optionLabels(target)).toEqual(['Unlabeled images', 'Train split', 'Val split', 'Test split', 'Unassigned split']);
  await target.selectOption({ label: 'Val split' });
  await row.getByTestId('run-predict').click();
  await expect(row.getByTestId('run-predicted')).toHaveText('4 images predicted', { timeout: 60_000 });
  const val = query<{ id: number }>(project, "SELECT id FROM images WHERE split = 'val' ORDER BY id").map((r) => r.id);
  expect(predictedImageIds(project, 1)).toEqual(val);

  // Two cards selected in the grid: the row offers them.
  await panel.getByTestId('training-close').click();
  const cards = page.getByTestId('image-card');
  await cards.nth(0).click();
  await cards.nth(1).click({ modifiers: ['ControlOrMeta'] });
  await expect(page.getByTestId('selection-count')).toHaveText('2 images selected');
  const selected = (await cards.evaluateAll((els) => els.filter((e) => e.getAttribute('data-selected') === 'true').map((e) => Number(e.getAttribute('data-image-id'))))).sort(
    (a, b) => a - b,
  );
  expect(selected).toHaveLength(2);
  await page.getByTestId('training-open').click();
  expect(await optionLabels(target)).toEqual(['Unlabeled images', 'Selected images (2)', 'Train split', 'Val split', 'Test split', 'Unassigned split']);
  await target.selectOption({ label: 'Selected images (2)' });
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, 'predict-targets');
  await row.getByTestId('run-predict').click();
  await expect(row.getByTestId('run-predicted')).toHaveText('2 images predicted', { timeout: 60_000 });
  expect(predictedImageIds(project, 1)).toEqual([...new Set([...val, ...selected])].sort((a, b) => a - b));

  // An image open in the editor: the drawer opens over it and predicts just that image, which the editor then shows.
  await panel.getByTestId('training-close').click();
  const predicted = predictedImageIds(project, 1);
  const openId = query<{ id: number }>(project, 'SELECT id FROM images ORDER BY id').find((r) => !predicted.includes(r.id))!.id;
  await page.locator(`[data-testid="image-card"][data-image-id="${openId}"]`).dblclick();
  await expect(page.getByTestId('editor-screen')).toHaveAttribute('data-image-id', String(openId));
  await expect(page.getByTestId('predict-image')).toBeVisible();
  await page.getByTestId('editor-training-open').click();
  await target.selectOption({ label: 'The open image' });
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, 'predict-open-image-menu');
  await row.getByTestId('run-predict').click();
  await expect(row.getByTestId('run-predicted')).toHaveText('1 image predicted', { timeout: 60_000 });
  expect(predictedImageIds(project, 1)).toEqual([...predicted, openId].sort((a, b) => a - b));
  await panel.getByTestId('training-close').click();
  await expect(page.getByTestId('prediction-visible')).toBeVisible();
  // With the prediction panel shown, the class legend above it still takes clicks (it was squeezed under that panel).
  const box = page.locator('[data-testid="class-option"][data-class-name="box"]');
  await box.click({ timeout: 5_000 });
  await expect(box).toHaveAttribute('aria-selected', 'true');
  await screenshot(page, 'predict-open-image');

  // Back in the grid the open image is gone from the menu (and its choice falls back to unlabeled).
  await page.getByTestId('editor-back').click();
  await page.getByTestId('training-open').click();
  await expect(target).toHaveValue('unlabeled');
  expect(await optionLabels(target)).not.toContain('The open image');
});

test("the import bar's unlabeled value starts as the class set's ignore index", async ({ page, studio }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'camvid-project'), 'camvid');
  await page.getByTestId('import-format').selectOption('png-gray');
  await expect(page.getByTestId('import-unlabeled-value')).toHaveValue('11');
});
