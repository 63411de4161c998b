import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { expectSavedVersion, openImage, pagePoint, storedMask } from './editorPage';
import { createProject, expect, openStudio, test } from './studioFixtures';

const CAMVID = resolve(import.meta.dirname, '../../../shared/datasets/camvid/val/images');

test('the superpixel brush on a dark frame: its size control changes the superpixels it paints', async ({ page, studio }) => {
  test.skip(!existsSync(CAMVID), `CamVid is not at ${CAMVID}: real-data case skipped`);
  // A CamVid street at dusk: the same photo at 15 % of its brightness.
  const folder = join(studio.dir, 'dark');
  mkdirSync(folder);
  const file = readdirSync(CAMVID).sort()[0];
  await sharp(join(CAMVID, file)).linear(0.15, 0).toFile(join(folder, 'dusk.png'));
  const projectDir = join(studio.dir, 'project');
  await openStudio(page, studio);
  await createProject(page, projectDir, 'camvid');
  await page.getByTestId('import-path').fill(folder);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(1);
  const { canvas, imageId } = await openImage(page, 'dusk.png');

  const screen = page.getByTestId('editor-screen');
  const paintOne = async (classKey: string, x: number, y: number) => {
    await page.keyboard.press(classKey);
    await page.getByTestId('brush-size').fill('1');
    const p = await pagePoint(canvas, x, y);
    await page.mouse.click(p.x, p.y);
  };
  await canvas.focus();
  await page.keyboard.press('s');
  await page.getByTestId('superpixel-size-small').click();
  await expect(screen).toHaveAttribute('data-superpixels', 'ready');
  await paintOne('1', 120, 120);
  await expectSavedVersion(page, 1);
  await page.getByTestId('superpixel-size-large').click();
  await expect(screen).toHaveAttribute('data-superpixels', 'ready');
  await paintOne('2', 360, 120);
  await expectSavedVersion(page, 2);
  if (existsSync('/work/screens')) {
    mkdirSync('/work/screens/runs', { recursive: true });
    await page.screenshot({ path: '/work/screens/runs/superpixels-dark.png' });
  }

  const mask = storedMask(projectDir, imageId)!;
  const count = (value: number) => mask.values.reduce((n, v) => n + (v === value ? 1 : 0), 0);
  // Small superpixels are about 12 px across, large ones about 40: the one large superpixel is several times the small one.
  expect(count(0)).toBeGreaterThan(30);
  expect(count(1)).toBeGreaterThan(3 * count(0));
});
