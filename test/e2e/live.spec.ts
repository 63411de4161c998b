import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import sharp from 'sharp';
import { cli, expect, openStudio, test } from './studioFixtures';
import { stroke } from './editorPage';

const WIDTH = 96;
const HEIGHT = 64;
/** Three vertical bands: dark (x < 32), mid grey (32–63), bright yellow (x ≥ 64). */
const BANDS = { dark: 16, grey: 48, bright: 80 };
const BOX: [number, number, number] = [230, 160, 20];

/** Two unlabeled 96×64 images of three bands in the train split of a two-class project (background black, box orange). */
async function bandProject(dir: string): Promise<string> {
  const project = join(dir, 'bands');
  const classes = join(dir, 'classes.json');
  writeFileSync(classes, JSON.stringify({ classes: [{ id: 0, name: 'background', color: [0, 0, 0] }, { id: 1, name: 'box', color: BOX }] }));
  cli('init', '--project', project, '--classes', classes);
  const images = join(dir, 'band-images');
  mkdirSync(images, { recursive: true });
  for (const [n, shift] of [[1, 0], [2, 9]]) {
    const rgb = Buffer.alloc(WIDTH * HEIGHT * 3);
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const noise = ((x * 7 + y * 13 + shift) % 11) - 5;
        const base = x < 32 ? [20, 25, 40] : x < 64 ? [120, 120, 120] : [235, 210, 40];
        rgb.set(base.map((v) => Math.max(0, Math.min(255, v + noise))), (y * WIDTH + x) * 3);
      }
    }
    await sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).png().toFile(join(images, `bands-${n}.png`));
  }
  cli('import', '--project', project, '--images', images, '--split', 'train', '--json');
  return project;
}

/** The saved label version once autosave has stored the last edit. */
async function savedVersion(page: Page): Promise<number> {
  const status = page.getByTestId('save-status');
  await expect(status).toHaveAttribute('data-state', 'saved');
  return Number(await status.getAttribute('data-version'));
}

/**
 * The class the editor's prediction layer shows at image pixel (x, y): 1 where it has the box
 * colour, 0 where black, -1 otherwise. Read from the layer's own canvas (the stage's third layer:
 * image, labels, prediction, …), so the labels and the photo do not mix in.
 */
function shownClass(canvas: Locator, x: number, y: number): Promise<number> {
  return canvas.evaluate(
    (stage, [px, py, r, g, b]) => {
      const layer = stage.querySelectorAll('canvas')[2];
      const ratio = layer.width / stage.clientWidth;
      const sx = (Number(stage.dataset.tx) + (px + 0.5) * Number(stage.dataset.scale)) * ratio;
      const sy = (Number(stage.dataset.ty) + (py + 0.5) * Number(stage.dataset.scale)) * ratio;
      const d = layer.getContext('2d')!.getImageData(Math.floor(sx), Math.floor(sy), 1, 1).data;
      if (d[3] === 0) return -1;
      const near = (c: number[]) => c.every((v, i) => Math.abs(v - d[i]) <= 8);
      return near([r, g, b]) ? 1 : near([0, 0, 0]) ? 0 : -1;
    },
    [x, y, ...BOX],
  );
}

/** Waits until the prediction shown, from a model trained on label version `version`, is `expected` at the band's middle. */
async function expectPredictionFollows(page: Page, canvas: Locator, version: number, x: number, expected: number): Promise<void> {
  const live = page.getByTestId('live');
  await expect
    .poll(
      async () => {
        const trained = Number(await live.getAttribute('data-trained-version'));
        return trained >= version ? shownClass(canvas, x, HEIGHT / 2) : -2;
      },
      { timeout: 90_000 },
    )
    .toBe(expected);
}

test('Live: scribbles train the model while painting, the overlay follows a correction, and Live turns off', async ({ page, studio }) => {
  test.setTimeout(240_000);
  const project = await bandProject(studio.dir);
  await openStudio(page, studio);
  await page.getByTestId('open-path').fill(project);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('project-screen')).toBeVisible();
  await page.locator('[data-testid="image-card"][data-file-name="bands-1.png"]').dblclick();
  const canvas = page.getByTestId('editor-canvas');
  await expect(canvas).toHaveAttribute('data-scale', /\d/);

  const live = page.getByTestId('live');
  await expect(live).toHaveAttribute('data-state', 'off');
  await page.getByTestId('live-toggle').click();
  await expect(live).toHaveAttribute('data-state', 'waiting');
  await expect(page.getByTestId('live-status')).toHaveText('Waiting for labels in the train split');

  // Two classes scribbled: box on the bright band, background on the dark band; the grey band is left unlabeled.
  await page.getByTestId('brush-size').fill('4');
  await canvas.focus();
  await page.keyboard.press('2');
  await stroke(page, canvas, [[BANDS.bright, 8], [BANDS.bright, 56]]);
  await page.keyboard.press('1');
  await stroke(page, canvas, [[BANDS.dark, 8], [BANDS.dark, 56]]);
  const scribbled = await savedVersion(page);

  // The prediction layer shows a model trained on those scribbles, and it generalises along the bands.
  await expectPredictionFollows(page, canvas, scribbled, BANDS.bright, 1);
  await expectPredictionFollows(page, canvas, scribbled, BANDS.dark, 0);
  await expect(canvas).toHaveAttribute('data-prediction', 'prediction');
  await expect(live).toHaveAttribute('data-state', 'training');
  await expect(page.getByTestId('live-status')).toContainText(/1 image, [\d,]+ labeled px · updated \d+ s ago · no labeled val images/);
  await page.screenshot({ path: '/work/screens/live/live-scribbles.png' });

  // A correction: the grey band is box. The overlay follows; then it is background, and it follows again.
  await page.keyboard.press('2');
  await stroke(page, canvas, [[BANDS.grey, 8], [BANDS.grey, 56]]);
  await expectPredictionFollows(page, canvas, await savedVersion(page), BANDS.grey, 1);
  await page.screenshot({ path: '/work/screens/live/live-grey-box.png' });
  await page.keyboard.press('1');
  await page.getByTestId('brush-size').fill('8');
  await stroke(page, canvas, [[BANDS.grey, 4], [BANDS.grey, 60]]);
  await expectPredictionFollows(page, canvas, await savedVersion(page), BANDS.grey, 0);
  await page.screenshot({ path: '/work/screens/live/live-grey-background.png' });

  // Off: the job stops, and the image keeps the live run's last prediction, stored as any run's
  // is (accept and "label next" use it); the choice is remembered after a reload.
  await page.getByTestId('live-toggle').click();
  await expect(live).toHaveAttribute('data-state', 'off');
  await expect(canvas).toHaveAttribute('data-prediction', 'prediction');
  await expectPredictionFollows(page, canvas, 0, BANDS.grey, 0);
  await page.reload();
  await page.locator('[data-testid="image-card"][data-file-name="bands-1.png"]').dblclick();
  await expect(page.getByTestId('live')).toHaveAttribute('data-state', 'off');
});
