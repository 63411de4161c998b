import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createProject, expect, openStudio, test } from './studioFixtures';
import { expectSavedVersion, openImage, pagePoint, storedMask, stroke } from './editorPage';

test('paints a stroke and a fill, undoes and redoes, and finds the mask as left after a reload', async ({ page, studio, images }) => {
  const projectDir = join(studio.dir, 'paint');
  await openStudio(page, studio);
  await createProject(page, projectDir, 'voc');
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);

  const { canvas, imageId } = await openImage(page, 'street-001.jpg');
  await expect(page.getByTestId('editor-file-name')).toHaveText('street-001.jpg');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');

  // Brush: class 2 in the list (aeroplane, value 1), a 12-pixel round tip, a horizontal stroke.
  await page.keyboard.press('2');
  await expect(page.locator('[data-testid="class-option"][aria-selected="true"]')).toHaveAttribute('data-value', '1');
  await page.getByTestId('brush-size').fill('12');
  await canvas.focus();
  await stroke(page, canvas, [[60, 100], [240, 100], [420, 100]]);
  await expectSavedVersion(page, 1);
  await page.screenshot({ path: '/tmp/fcn-editor-stroke.png' });

  let mask = storedMask(projectDir, imageId)!;
  for (const x of [60, 150, 240, 330, 420]) expect(mask.values[100 * 480 + x], `stroke at x=${x}`).toBe(1);
  expect(mask.values[200 * 480 + 240]).toBe(255);

  // Bucket: class 3 (bicycle, value 2) over the connected unlabeled region (everything but the stroke).
  await page.getByTestId('tool-fill').click();
  await page.keyboard.press('3');
  const p = await pagePoint(canvas, 240, 250);
  await page.mouse.click(p.x, p.y);
  await expectSavedVersion(page, 2);
  mask = storedMask(projectDir, imageId)!;
  expect(mask.values.filter((v) => v === 255)).toHaveLength(0);
  expect(mask.values[250 * 480 + 240]).toBe(2);
  expect(mask.values[100 * 480 + 240]).toBe(1);
  await page.screenshot({ path: '/tmp/fcn-editor-fill.png' });

  // Undo the fill, then redo it: each is one entry and each is saved.
  await page.keyboard.press('Control+z');
  await expectSavedVersion(page, 3);
  mask = storedMask(projectDir, imageId)!;
  expect(mask.values[250 * 480 + 240]).toBe(255);
  expect(mask.values[100 * 480 + 240]).toBe(1);
  await page.keyboard.press('Control+Shift+Z');
  await expectSavedVersion(page, 4);
  const saved = storedMask(projectDir, imageId)!;
  expect(saved.values[250 * 480 + 240]).toBe(2);
  const ones = saved.values.filter((v) => v === 1).length;

  // Reload the app: the project reopens, the grid shows the labeled image, and the editor shows the same mask.
  await page.reload();
  await expect(page.getByTestId('project-screen')).toBeVisible();
  await expect(page.locator(`[data-testid="image-card"][data-file-name="street-001.jpg"] [data-testid="card-labeled"]`)).toHaveText('100%');
  await openImage(page, 'street-001.jpg');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-version', '4');
  const aeroplane = page.locator('[data-testid="class-option"][data-value="1"] [data-testid="class-count"]');
  await expect(aeroplane).toHaveAttribute('title', `${ones.toLocaleString('en-US')} pixels`);
  expect(storedMask(projectDir, imageId)!.values).toEqual(saved.values);

  // Shortcut overlay, then back to the grid.
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-overlay')).toContainText('Next unlabeled image');
  await page.screenshot({ path: '/tmp/fcn-editor-shortcuts.png' });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcut-overlay')).toBeHidden();
  await page.getByTestId('editor-back').click();
  await expect(page.getByTestId('image-grid')).toBeVisible();
});

const CAMVID = resolve(import.meta.dirname, '../../../shared/datasets/camvid/train/images');

test('labels a CamVid photo with brush, superpixels and a colour fill, undoes, redoes, and finds it all after a reload', async ({ page, studio }) => {
  test.skip(!existsSync(CAMVID), `CamVid is not at ${CAMVID}: real-data acceptance skipped`);
  const folder = join(studio.dir, 'camvid-photos');
  mkdirSync(folder);
  const files = readdirSync(CAMVID).sort().slice(0, 2);
  for (const f of files) copyFileSync(join(CAMVID, f), join(folder, f));
  const projectDir = join(studio.dir, 'camvid');
  await openStudio(page, studio);
  await createProject(page, projectDir, 'camvid');
  await page.getByTestId('import-path').fill(folder);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(2);
  const { canvas, imageId } = await openImage(page, files[0]);

  // Road (4th class, value 3) with a 24-px brush along the bottom of the street.
  await page.keyboard.press('4');
  await page.getByTestId('brush-size').fill('24');
  await canvas.focus();
  await stroke(page, canvas, [[40, 330], [240, 320], [440, 330]]);
  await expectSavedVersion(page, 1);

  // Car (9th class, value 8) with the superpixel brush through the middle.
  await page.keyboard.press('s');
  await expect(page.getByTestId('editor-screen')).toHaveAttribute('data-superpixels', 'ready');
  await page.keyboard.press('9');
  await page.getByTestId('brush-size').fill('6');
  await canvas.focus();
  await stroke(page, canvas, [[150, 250], [330, 250]]);
  await expectSavedVersion(page, 2);
  await page.screenshot({ path: '/tmp/fcn-editor-camvid-superpixels.png' });

  // Sky (1st class, value 0): fill similar colours from the top of the picture.
  await page.keyboard.press('g');
  await page.getByTestId('fill-mode').selectOption('image');
  await page.keyboard.press('1');
  const top = await pagePoint(canvas, 240, 8);
  await page.mouse.click(top.x, top.y);
  await expectSavedVersion(page, 3);
  await page.screenshot({ path: '/tmp/fcn-editor-camvid.png' });

  await page.keyboard.press('Control+z');
  await expectSavedVersion(page, 4);
  expect(storedMask(projectDir, imageId)!.values[8 * 480 + 240]).toBe(255);
  await page.keyboard.press('Control+y');
  await expectSavedVersion(page, 5);
  const saved = storedMask(projectDir, imageId)!;
  expect(saved.values[8 * 480 + 240]).toBe(0);
  expect(saved.values[250 * 480 + 240]).toBe(8);
  expect(saved.values[325 * 480 + 240]).toBe(3);

  await page.reload();
  await expect(page.getByTestId('project-screen')).toBeVisible();
  await openImage(page, files[0]);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-version', '5');
  for (const value of [0, 3, 8]) {
    const n = saved.values.filter((v) => v === value).length;
    await expect(page.locator(`[data-testid="class-option"][data-value="${value}"] [data-testid="class-count"]`)).toHaveAttribute('title', `${n.toLocaleString('en-US')} pixels`);
  }
  expect(storedMask(projectDir, imageId)!.values).toEqual(saved.values);
});

test('the superpixel brush paints whole superpixels, computed off the UI thread', async ({ page, studio, images }) => {
  const projectDir = join(studio.dir, 'superpixels');
  await openStudio(page, studio);
  await createProject(page, projectDir, 'camvid');
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
  const { canvas, imageId } = await openImage(page, 'street-002.jpg');

  await page.keyboard.press('s');
  await expect(page.getByTestId('editor-screen')).toHaveAttribute('data-superpixels', 'ready');
  await page.keyboard.press('4');
  await page.getByTestId('brush-size').fill('4');
  await canvas.focus();
  await stroke(page, canvas, [[40, 120], [280, 120]]);
  await expectSavedVersion(page, 1);
  await page.screenshot({ path: '/tmp/fcn-editor-superpixels.png' });
  const mask = storedMask(projectDir, imageId)!;
  const painted = mask.values.filter((v) => v === 3).length;
  // Whole superpixels (about 20 px across) reach far beyond the 4-px brush's 240 × 4 footprint.
  expect(painted).toBeGreaterThan(240 * 4 * 3);
  for (const x of [40, 160, 280]) expect(mask.values[120 * 320 + x]).toBe(3);
});

test('fills a clicked polygon and shows label pixels as crisp squares when zoomed in', async ({ page, studio, images }) => {
  const projectDir = join(studio.dir, 'polygon');
  await openStudio(page, studio);
  await createProject(page, projectDir, 'camvid');
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
  const { canvas, imageId } = await openImage(page, 'harbour-004.png');

  await page.keyboard.press('l');
  await page.keyboard.press('5');
  for (const [x, y] of [[100, 40], [300, 40], [300, 160], [100, 160]]) {
    const p = await pagePoint(canvas, x, y);
    await page.mouse.click(p.x, p.y);
  }
  await page.screenshot({ path: '/tmp/fcn-editor-polygon.png' });
  await page.keyboard.press('Enter');
  await expectSavedVersion(page, 1);
  const mask = storedMask(projectDir, imageId)!;
  expect(mask.values[100 * 640 + 200]).toBe(4);
  expect(mask.values[100 * 640 + 320]).toBe(255);
  expect(mask.values.filter((v) => v === 4).length).toBe(200 * 120);

  // Zoom in on the polygon's corner with the wheel: the view follows the cursor.
  const corner = await pagePoint(canvas, 100, 40);
  await page.mouse.move(corner.x, corner.y);
  for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -300);
  await expect.poll(async () => Number(await canvas.getAttribute('data-scale'))).toBeGreaterThan(20);
  await page.screenshot({ path: '/tmp/fcn-editor-zoomed.png' });
});

test('navigates between images and marks one done', async ({ page, studio, images }) => {
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'navigate'), 'camvid');
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
  const names = await page.getByTestId('image-card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.fileName!));

  // Keys reach an image's editor once its canvas is ready.
  const showing = async (name: string) => {
    await expect(page.getByTestId('editor-file-name')).toHaveText(name);
    await expect(page.getByTestId('editor-canvas')).toHaveAttribute('data-scale', /\d/);
  };
  await page.getByTestId('image-card').first().focus();
  await page.keyboard.press('Enter');
  await showing(names[0]);
  await page.keyboard.press('n');
  await showing(names[1]);
  await page.keyboard.press('ArrowLeft');
  await showing(names[0]);
  await page.keyboard.press('d');
  await expect(page.getByTestId('editor-image-status')).toHaveText('Done');
  await page.getByTestId('nav-next-unlabeled').click();
  await showing(names[1]);
  await page.getByTestId('editor-back').click();
  await expect(page.locator(`[data-testid="image-card"][data-file-name="${names[0]}"] [data-testid="card-status"]`)).toHaveText('Done');
});

test('a second window saving over a newer version gets a clear conflict and loses nothing', async ({ page, context, studio, images }) => {
  const projectDir = join(studio.dir, 'conflict');
  await openStudio(page, studio);
  await createProject(page, projectDir, 'voc');
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);

  const other = await context.newPage();
  await openStudio(other, studio);
  const a = await openImage(page, 'field-003.png');
  const b = await openImage(other, 'field-003.png');

  // Each window is brought to the front before it is used: Chromium throttles a background tab's frames.
  await page.bringToFront();
  await page.keyboard.press('2');
  await stroke(page, a.canvas, [[20, 20], [200, 20]]);
  await expectSavedVersion(page, 1);

  await other.bringToFront();
  await other.keyboard.press('4');
  await stroke(other, b.canvas, [[20, 200], [200, 200]]);
  await expect(other.getByTestId('conflict-banner')).toBeVisible();
  await expect(other.getByTestId('save-status')).toHaveAttribute('data-state', 'conflict');
  await other.screenshot({ path: '/tmp/fcn-editor-conflict.png' });
  expect(storedMask(projectDir, a.imageId)!.version).toBe(1);

  await other.getByTestId('conflict-keep').click();
  await expectSavedVersion(other, 2);
  const mask = storedMask(projectDir, a.imageId)!;
  expect(mask.values[200 * 256 + 100]).toBe(3);
  await expect(other.getByTestId('conflict-banner')).toBeHidden();

  // Now the first window is behind: its next stroke conflicts, and it reloads the other version.
  await page.bringToFront();
  await page.keyboard.press('6');
  await stroke(page, a.canvas, [[20, 120], [200, 120]]);
  await expect(page.getByTestId('conflict-banner')).toBeVisible();
  await page.getByTestId('conflict-reload').click();
  await expect(page.getByTestId('conflict-banner')).toBeHidden();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-version', '2');
  const bird = page.locator('[data-testid="class-option"][data-value="3"] [data-testid="class-count"]');
  await expect(bird).toHaveAttribute('title', `${mask.values.filter((v) => v === 3).length.toLocaleString('en-US')} pixels`);
  await expect(page.locator('[data-testid="class-option"][data-value="5"] [data-testid="class-count"]')).toHaveAttribute('title', '0 pixels');
  expect(storedMask(projectDir, a.imageId)!.version).toBe(2);
  await other.close();
});

test('painting refreshes only the painted image\'s row: no whole-list reloads behind the editor, and the grid catches up on return', async ({ page, studio, images }) => {
  const listRequests: Array<{ ids: boolean }> = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', (frame) => {
      const text = String(frame.payload);
      if (text.includes('"images:list"')) listRequests.push({ ids: text.includes('"ids"') });
    }),
  );
  await openStudio(page, studio);
  await createProject(page, join(studio.dir, 'rows'), 'voc');
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
  const { canvas } = await openImage(page, 'street-001.jpg');
  await expect(page.getByTestId('editor-image-status')).toHaveText('Unlabeled');

  listRequests.length = 0;
  await page.keyboard.press('1');
  await stroke(page, canvas, [[10, 10], [40, 12]]);
  await expectSavedVersion(page, 1);
  await stroke(page, canvas, [[10, 20], [40, 22]]);
  await expectSavedVersion(page, 2);
  // The editor shows the new status from the patched row.
  await expect(page.getByTestId('editor-image-status')).toHaveText('In progress');
  expect(listRequests.length).toBeGreaterThan(0);
  expect(listRequests.every((r) => r.ids)).toBe(true);

  await page.getByTestId('editor-back').click();
  await expect(page.locator('[data-testid="image-card"][data-file-name="street-001.jpg"] [data-testid="card-status"]')).toHaveText('In progress');
});
