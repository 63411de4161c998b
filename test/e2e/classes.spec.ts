import { join } from 'node:path';
import { createProject, expect, openStudio, test } from './studioFixtures';

test('adds, renames, reorders and deletes a class', async ({ page, studio }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'custom'), 'none');
  const rows = page.getByTestId('class-row');
  await expect(rows).toHaveCount(0);

  for (const name of ['road', 'car', 'sky']) {
    await page.getByTestId('add-class-name').fill(name);
    await page.getByTestId('add-class-submit').click();
    await expect(page.locator(`[data-testid="class-row"][data-class-name="${name}"]`)).toBeVisible();
  }
  await expect(rows).toHaveCount(3);

  // A duplicate name is refused with the backend's message.
  await page.getByTestId('add-class-name').fill('car');
  await page.getByTestId('add-class-submit').click();
  await expect(page.getByTestId('add-class-form').getByTestId('inline-error')).toBeVisible();

  const car = page.locator('[data-testid="class-row"][data-class-name="car"]');
  await car.getByTestId('class-rename').click();
  await car.getByTestId('class-rename-input').fill('vehicle');
  await car.getByTestId('class-rename-input').press('Enter');
  const vehicle = page.locator('[data-testid="class-row"][data-class-name="vehicle"]');
  await expect(vehicle).toBeVisible();

  await vehicle.getByRole('button', { name: 'Move vehicle up' }).click();
  await expect(rows.first()).toHaveAttribute('data-class-name', 'vehicle');

  await page.locator('[data-testid="class-row"][data-class-name="sky"]').getByTestId('class-delete').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog.getByTestId('delete-impact')).toHaveText('No labeled pixels use this class yet.');
  await page.screenshot({ path: '/tmp/fcn-studio-delete-class.png' });
  await dialog.getByTestId('confirm-ok').click();
  await expect(dialog).toBeHidden();
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid="class-row"][data-class-name="sky"]')).toHaveCount(0);
});

test('recolours a class with the colour picker', async ({ page, studio }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'colours'), 'camvid');
  const sky = page.locator('[data-testid="class-row"][data-class-name="sky"]');
  await sky.getByLabel('Colour of sky').fill('#12ab34');
  await expect(sky).toHaveAttribute('data-color', '#12ab34');
  // Reload: the colour must come back from the backend, not from the input's own state.
  await page.reload();
  await expect(page.locator('[data-testid="class-row"][data-class-name="sky"]').getByLabel('Colour of sky')).toHaveValue('#12ab34');
});
