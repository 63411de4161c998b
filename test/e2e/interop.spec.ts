import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { decode } from 'fast-png';
import { createProject, expect, openStudio, test, type LabeledDataset } from './studioFixtures';

/** Imports the dataset's images with their grey masks through the import bar, into the train split. */
async function importGreyMasks(page: Page, dataset: LabeledDataset): Promise<void> {
  await page.getByTestId('import-format').selectOption('png-gray');
  await expect(page.getByTestId('import-help')).toContainText('grey PNGs');
  await page.getByTestId('import-path').fill(dataset.images);
  await page.getByTestId('import-labels').fill(dataset.masks);
  await page.getByTestId('import-unlabeled-value').fill(String(dataset.unlabeledValue));
  await page.getByTestId('import-split').selectOption('train');
  await page.screenshot({ path: '/tmp/fcn-studio-import-bar.png', clip: { x: 290, y: 52, width: 1150, height: 150 } });
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-report-summary')).toContainText(`${dataset.stems.length} images added, ${dataset.stems.length} masks`);
}

/** Runs one export through the dialog and waits for its result. */
async function exportThrough(page: Page, format: string, outDir: string, options: { force?: boolean } = {}): Promise<void> {
  await page.getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByTestId(`export-format-${format}`).click();
  await dialog.getByTestId('export-out-dir').fill(outDir);
  if (options.force) await dialog.getByTestId('export-force').check();
  await dialog.getByTestId('export-submit').click();
}

test('imports grey masks, exports VOC and COCO through the dialog, and imports the VOC export again', async ({ page, studio, labeledDataset: dataset }) => {
  const { stems, width, height } = dataset;
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'source'), 'voc');
  await importGreyMasks(page, dataset);
  const labeled = page.getByTestId('card-labeled');
  await expect(labeled).toHaveCount(stems.length);
  await expect(labeled).toHaveText(stems.map(() => '75%'));

  // VOC: one palette PNG per labeled image, whose indices are the masks (the file's unlabeled value became 255).
  const vocDir = join(studio.dir, 'exports', 'voc');
  await exportThrough(page, 'voc', vocDir);
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog.getByTestId('export-summary')).toHaveText(`${stems.length} masks written`);
  await expect(dialog.getByTestId('export-out-path')).toHaveText(vocDir);
  await page.screenshot({ path: '/tmp/fcn-studio-export-result.png' });
  for (const stem of stems) {
    expect(existsSync(join(vocDir, 'SegmentationClass', `${stem}.png`))).toBe(true);
    expect(existsSync(join(vocDir, 'JPEGImages', `${stem}.jpg`))).toBe(true);
  }
  expect(readFileSync(join(vocDir, 'ImageSets', 'Segmentation', 'train.txt'), 'utf8').trim().split('\n').sort()).toEqual(stems);
  const palettePng = decode(readFileSync(join(vocDir, 'SegmentationClass', `${stems[1]}.png`)));
  expect([palettePng.width, palettePng.height, palettePng.channels, palettePng.depth]).toEqual([width, height, 1, 8]);
  expect(palettePng.palette).toBeDefined();
  const expected = dataset.maskValues.get(stems[1])!.map((v) => (v === dataset.unlabeledValue ? 255 : v));
  expect(Buffer.from(palettePng.data as Uint8Array).equals(Buffer.from(expected))).toBe(true);
  await dialog.getByTestId('export-close').click();
  await expect(dialog).toBeHidden();

  // The same folder again is refused in the dialog, and replaced when asked to.
  await exportThrough(page, 'voc', vocDir);
  await expect(dialog.getByTestId('inline-error')).toContainText('is not empty');
  await page.screenshot({ path: '/tmp/fcn-studio-export-conflict.png' });
  await dialog.getByTestId('export-force').check();
  await dialog.getByTestId('export-submit').click();
  await expect(dialog.getByTestId('export-summary')).toHaveText(`${stems.length} masks written`);
  await dialog.getByTestId('export-close').click();

  // COCO: one annotations.json with every image and the project's classes.
  const cocoDir = join(studio.dir, 'exports', 'coco');
  await exportThrough(page, 'coco', cocoDir);
  await expect(dialog.getByTestId('export-summary')).toHaveText(`${stems.length} masks written`);
  await dialog.getByTestId('export-close').click();
  const coco = JSON.parse(readFileSync(join(cocoDir, 'annotations.json'), 'utf8')) as {
    images: { file_name: string; width: number; height: number }[];
    categories: { id: number; name: string }[];
    annotations: { category_id: number; iscrowd: number; area: number }[];
  };
  expect(coco.images.map((i) => i.file_name).sort()).toEqual(stems.map((s) => `${s}.png`));
  expect(coco.images.every((i) => i.width === width && i.height === height)).toBe(true);
  expect(coco.categories).toHaveLength(21);
  expect(coco.categories.find((c) => c.id === 1)?.name).toBe('background');
  // Per image: its class on the left half, background on the top right.
  expect(coco.annotations).toHaveLength(stems.length * 2);
  expect(coco.annotations.filter((a) => a.category_id === 1).every((a) => a.area === (width / 2) * (height / 2))).toBe(true);

  // The VOC export imports into a new project with its labels and splits.
  await page.getByTestId('close-project').click();
  await createProject(page, join(studio.dir, 'reimport'), 'voc');
  await page.getByTestId('import-format').selectOption('voc');
  await expect(page.getByTestId('import-labels')).toHaveCount(0);
  await page.getByTestId('import-path').fill(vocDir);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-report-summary')).toContainText(`${stems.length} images added, ${stems.length} masks`);
  await expect(labeled).toHaveText(stems.map(() => '75%'));
  await expect(page.getByTestId('status-split-train')).toHaveText(String(stems.length));
});

test('the export dialog shows each format with its options and refuses a folder that is not an export', async ({ page, studio, images }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'options'), 'camvid');
  await page.getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog.getByTestId('export-unlabeled-value')).toHaveCount(0);
  await dialog.getByTestId('export-format-png-gray').click();
  await expect(dialog.getByTestId('export-unlabeled-value')).toBeVisible();
  await dialog.getByTestId('export-format-png-color').click();
  await expect(dialog.getByTestId('export-unlabeled-color')).toBeVisible();
  await dialog.getByTestId('export-format-png-index').click();
  await dialog.getByTestId('export-out-dir').fill(images.path);
  await dialog.getByTestId('export-force').check();
  await page.screenshot({ path: '/tmp/fcn-studio-export-dialog.png' });
  await dialog.getByTestId('export-submit').click();
  await expect(dialog.getByTestId('inline-error')).toContainText('is not an FCN Studio export');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
