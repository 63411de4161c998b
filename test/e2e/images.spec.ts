import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProject, expect, expectThumbnailsLoaded, openStudio, test } from './studioFixtures';

test('imports a folder: thumbnails load and the report names the files it skipped', async ({ page, studio, images }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'imports'), 'voc');

  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();

  const report = page.getByTestId('import-report');
  await expect(report.getByTestId('import-report-summary')).toContainText(`${images.valid.length} images added`);
  await expect(report.locator(`[data-testid="skip-row"][data-reason="corrupt"]`)).toContainText(images.corrupt);
  await expect(report.locator(`[data-testid="skip-row"][data-reason="unsupported"]`)).toContainText(images.unsupported);

  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
  await expectThumbnailsLoaded(page, images.valid.length);
  for (const name of images.valid) await expect(page.locator(`[data-testid="image-card"][data-file-name="${name}"]`)).toBeVisible();
  await expect(page.getByTestId('status-images')).toHaveText(String(images.valid.length));
  await page.screenshot({ path: '/tmp/fcn-studio-project.png' });

  // Importing the same folder again adds nothing: every image is a duplicate.
  await page.getByTestId('import-report-dismiss').click();
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-report-summary')).toContainText('0 images added');
  await expect(page.locator(`[data-testid="skip-row"][data-reason="duplicate"]`)).toHaveCount(images.valid.length);
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
});

test('sets the split of selected images and the status counts follow', async ({ page, studio, images }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'splits'), 'camvid');
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
  await expect(page.getByTestId('status-split-unassigned')).toHaveText(String(images.valid.length));

  const cards = page.getByTestId('image-card');
  await cards.nth(0).click();
  await cards.nth(2).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('3 images selected');
  await page.getByTestId('selection-split').selectOption('val');

  await expect(page.getByTestId('status-split-val')).toHaveText('3');
  await expect(page.getByTestId('status-split-unassigned')).toHaveText(String(images.valid.length - 3));
  await expect(page.locator('[data-testid="card-split"]', { hasText: 'Val' })).toHaveCount(3);

  await page.getByTestId('filter-split').selectOption('val');
  await expect(cards).toHaveCount(3);
  await page.getByTestId('selection-done').click();
  await expect(page.getByTestId('status-done')).toHaveText('3');
  await expect(page.locator('[data-testid="card-status"]', { hasText: 'Done' })).toHaveCount(3);
});

test('uploads dropped files and reports what it skipped', async ({ page, studio, images }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'drops'), 'none');
  const files = [images.valid[0], images.corrupt].map((name) => ({ name, base64: readFileSync(join(images.path, name)).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    return dt;
  }, files);
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });

  await expect(page.getByTestId('import-report-summary')).toContainText('1 image added');
  await expect(page.locator('[data-testid="skip-row"][data-reason="corrupt"]')).toContainText(images.corrupt);
  await expect(page.getByTestId('image-card')).toHaveCount(1);
  await expectThumbnailsLoaded(page, 1);
});
