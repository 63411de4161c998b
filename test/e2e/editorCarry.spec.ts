import { expect, test } from './studioFixtures';
import { createProjectWithImages, openImage } from './editorPage';

test('the tool, brush size, tip and class carry over to the next image', async ({ page, studio, images }) => {
  await createProjectWithImages(page, studio, images, 'carry', 'voc');
  await openImage(page, images.valid[0]);
  const selectedClass = page.locator('[data-testid="class-option"][aria-selected="true"]');
  await expect(page.getByTestId('brush-size')).toHaveValue('20');
  await page.keyboard.press('3');
  await expect(selectedClass).toHaveAttribute('data-value', '2');
  for (let i = 0; i < 3; i++) await page.keyboard.press(']');
  const size = await page.getByTestId('brush-size').inputValue();
  expect(Number(size)).toBeGreaterThan(20);
  await page.keyboard.press('Shift+B');
  await expect(page.getByTestId('brush-square')).toHaveClass(/active/);

  const first = await page.getByTestId('editor-screen').getAttribute('data-image-id');
  await page.keyboard.press('n');
  await expect(page.getByTestId('editor-screen')).not.toHaveAttribute('data-image-id', first!);
  await expect(page.getByTestId('editor-canvas')).toHaveAttribute('data-scale', /\d/);
  await expect(page.getByTestId('brush-size')).toHaveValue(size);
  await expect(page.getByTestId('brush-square')).toHaveClass(/active/);
  await expect(selectedClass).toHaveAttribute('data-value', '2');

  // The eraser too, as the tool left active.
  await page.keyboard.press('e');
  await page.keyboard.press('n');
  await expect(page.getByTestId('editor-canvas')).toHaveAttribute('data-scale', /\d/);
  await expect(page.getByTestId('tool-eraser')).toHaveAttribute('aria-pressed', 'true');
});
