import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createProject, expect, openStudio, test } from './studioFixtures';

test('shows import progress, cancels, and lists the images imported before the cancel', async ({ page, studio }) => {
  const folder = join(studio.dir, 'batch');
  mkdirSync(folder);
  for (let i = 0; i < 400; i++) {
    // Lossless and a distinct colour per file, so none is skipped as a duplicate.
    const background = { r: i % 256, g: Math.floor(i / 256) * 64, b: 128 };
    await sharp({ create: { width: 400, height: 300, channels: 3, background } }).png().toFile(join(folder, `frame-${i}.png`));
  }
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'project'), 'voc');
  await page.getByTestId('import-path').fill(folder);
  await page.getByTestId('import-submit').click();

  const progress = page.getByTestId('import-progress');
  await expect(progress).toContainText(' of 400');
  await progress.getByTestId('import-cancel').click();
  await expect(progress).toBeHidden();

  // The import may have finished before the cancel arrived; either way the grid matches the report.
  const summary = await page.getByTestId('import-report-summary').textContent();
  const added = Number(/(\d+) images? added/.exec(summary ?? '')?.[1]);
  expect(added).toBeGreaterThan(0);
  if (added < 400) expect(summary).toContain('Import cancelled');
  // The grid is virtualized: it lists them all, though only the cards in view are in the DOM.
  await expect(page.getByTestId('image-count')).toHaveText(`${added} shown`);
  await expect(page.getByTestId('image-card').first()).toHaveAttribute('aria-setsize', String(added));
  await expect(page.getByTestId('status-images')).toHaveText(String(added));
});
