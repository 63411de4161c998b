import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, test } from './studioFixtures';
import { createProjectWithImages, expectSavedVersion, openImage, pagePoint, storedMask, stroke } from './editorPage';

/** The RGB the image layer (the stage's bottom canvas) shows at image pixel (x, y). */
async function imageLayerPixel(canvas: Locator, x: number, y: number): Promise<number[]> {
  const box = (await canvas.boundingBox())!;
  const p = await pagePoint(canvas, x, y);
  return canvas.evaluate(
    (el, at) => {
      const layer = el.querySelector('canvas')!;
      const ratio = layer.width / el.clientWidth;
      const d = layer.getContext('2d')!.getImageData(Math.floor(at.x * ratio), Math.floor(at.y * ratio), 1, 1).data;
      return [d[0], d[1], d[2]];
    },
    { x: p.x - box.x, y: p.y - box.y },
  );
}

/** A digest of every file of the project but its database (the image files the import stored). */
function filesDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.includes('sqlite')) hash.update(path).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

test('brightness / contrast / gamma change the image on screen only, and are remembered for the project', async ({ page, studio, images }) => {
  const projectDir = await createProjectWithImages(page, studio, images, 'adjust', 'voc');

  const { canvas, imageId } = await openImage(page, 'street-001.jpg');
  await page.keyboard.press('2');
  await page.getByTestId('brush-size').fill('12');
  await canvas.focus();
  await stroke(page, canvas, [[60, 100], [240, 100]]);
  await expectSavedVersion(page, 1);
  const maskBefore = storedMask(projectDir, imageId)!;
  const sourceBefore = readFileSync(join(images.path, 'street-001.jpg'));
  const filesBefore = filesDigest(projectDir);
  const before = await imageLayerPixel(canvas, 300, 250);

  await page.getByTestId('image-adjust-brightness').fill('40');
  await page.getByTestId('image-adjust-gamma').fill('1.5');
  await expect(canvas).toHaveAttribute('data-image-adjust', '40,0,1.5');
  const after = await imageLayerPixel(canvas, 300, 250);
  for (let c = 0; c < 3; c++) expect(after[c], `channel ${c} brighter`).toBeGreaterThan(before[c]);
  await page.screenshot({ path: '/work/screens/display/adjusted.png' });

  // Display only: no new mask version, the same mask, the same files.
  const maskAfter = storedMask(projectDir, imageId)!;
  expect(maskAfter.version).toBe(1);
  expect(maskAfter.values).toEqual(maskBefore.values);
  expect(readFileSync(join(images.path, 'street-001.jpg'))).toEqual(sourceBefore);
  expect(filesDigest(projectDir)).toBe(filesBefore);

  // Remembered for the project across a reload; Reset shows the image as it is.
  await page.reload();
  await expect(page.getByTestId('project-screen')).toBeVisible();
  await openImage(page, 'street-001.jpg');
  await expect(canvas).toHaveAttribute('data-image-adjust', '40,0,1.5');
  await expect(page.getByTestId('image-adjust-brightness')).toHaveValue('40');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-version', '1');
  expect(storedMask(projectDir, imageId)!.version).toBe(1);
  await page.getByTestId('image-adjust-reset').click();
  await expect(canvas).toHaveAttribute('data-image-adjust', '0,0,1');
  expect(await imageLayerPixel(canvas, 300, 250)).toEqual(before);

  // The keys: O lifts the shadows (gamma up), Shift+O darkens, I resets.
  await canvas.focus();
  await page.keyboard.press('o');
  await expect(canvas).toHaveAttribute('data-image-adjust', '0,0,1.25');
  expect((await imageLayerPixel(canvas, 300, 250))[0]).toBeGreaterThan(before[0]);
  await page.keyboard.press('Shift+O');
  await page.keyboard.press('Shift+O');
  await expect(canvas).toHaveAttribute('data-image-adjust', '0,0,0.75');
  await page.keyboard.press('i');
  await expect(canvas).toHaveAttribute('data-image-adjust', '0,0,1');
  await page.screenshot({ path: '/work/screens/display/reset.png' });
});
