import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli, expect, openStudio, test } from './studioFixtures';

const COUNT = 400;

test(`browses ${COUNT} images, fetching thumbnails only for the cards in view`, async ({ page, studio }) => {
  const folder = join(studio.dir, 'many');
  mkdirSync(folder);
  for (let i = 0; i < COUNT; i++) {
    // Colour from the index, so no two files have the same content (duplicates would be skipped).
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: (i * 37) % 256, g: Math.floor(i / 256) * 60, b: 255 - (i % 256) } } })
      .png()
      .toFile(join(folder, `img-${String(i).padStart(4, '0')}.png`));
  }
  const project = join(studio.dir, 'project');
  cli('init', '--project', project, '--classes', 'voc');
  cli('import', '--project', project, '--images', folder, '--json');

  let thumbnailRequests = 0;
  page.on('websocket', (ws) => ws.on('framesent', (frame) => void (String(frame.payload).includes('images:thumbnail') && thumbnailRequests++)));

  await openStudio(page, studio);
  await page.getByTestId('open-path').fill(project);
  await page.getByTestId('open-submit').click();
  const cards = page.getByTestId('image-card');
  await expect(cards).toHaveCount(COUNT);
  await expect(cards.first().getByTestId('thumbnail')).toBeVisible();
  const loadedFirst = await page.getByTestId('thumbnail').count();
  expect(loadedFirst).toBeGreaterThan(0);
  expect(loadedFirst).toBeLessThan(COUNT / 2);

  await cards.last().scrollIntoViewIfNeeded();
  await expect(cards.last().getByTestId('thumbnail')).toBeVisible();
  await expect.poll(() => cards.last().getByTestId('thumbnail').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  expect(thumbnailRequests).toBeGreaterThan(0);
  expect(thumbnailRequests).toBeLessThan(COUNT);
});
