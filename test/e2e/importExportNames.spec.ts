import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import sharp from 'sharp';
import { createProject, expect, openStudio, test } from './studioFixtures';

const SCREENS = '/work/screens/hardio';

/** Images whose names trip naive importers and exporters: one stem in two folders, a line break in a name. */
async function awkwardFolder(dir: string): Promise<{ images: string; masks: string }> {
  const images = join(dir, 'images');
  const masks = join(dir, 'masks');
  for (const d of [join(images, 'a'), join(images, 'b'), masks]) mkdirSync(d, { recursive: true });
  const names = ['a/x.png', 'b/x.png', 'ok.png', 'two\nlines.png'];
  for (const [i, name] of names.entries()) {
    await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 60 * i, g: 120, b: 200 - 40 * i } } }).png().toFile(join(images, name));
  }
  for (const stem of ['x', 'ok', 'two\nlines']) {
    writeFileSync(join(masks, `${stem}.png`), encode({ width: 32, height: 24, data: new Uint8Array(32 * 24).fill(1), depth: 8, channels: 1 }));
  }
  return { images, masks };
}

test('an ambiguous mask is refused with its reason, and a renamed export file is reported', async ({ page, studio }) => {
  const folder = await awkwardFolder(join(studio.dir, 'awkward'));
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'names'), 'voc');
  await page.getByTestId('import-format').selectOption('png-index');
  await page.getByTestId('import-path').fill(folder.images);
  await page.getByTestId('import-labels').fill(folder.masks);
  await page.getByTestId('import-split').selectOption('train');
  await page.getByTestId('import-submit').click();
  const report = page.getByTestId('import-report');
  await expect(page.getByTestId('import-report-summary')).toContainText('4 images added, 2 masks');
  await expect(report).toContainText('ambiguous mask: x.png matches 2 images');
  await page.screenshot({ path: join(SCREENS, 'import-ambiguous.png') });

  await page.getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByTestId('export-format-voc').click();
  const out = join(studio.dir, 'voc-out');
  await dialog.getByTestId('export-out-dir').fill(out);
  await dialog.getByTestId('export-submit').click();
  await expect(dialog.getByTestId('export-summary')).toHaveText('2 masks written');
  await expect(dialog.getByTestId('export-renamed-row')).toContainText('written as two_lines');
  await page.screenshot({ path: join(SCREENS, 'export-renamed.png') });
  expect(readFileSync(join(out, 'ImageSets', 'Segmentation', 'train.txt'), 'utf8').split('\n').sort()).toEqual(['', 'ok', 'two_lines']);
});
