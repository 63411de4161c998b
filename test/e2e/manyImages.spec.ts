import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { cli, expect, openStudio, test } from './studioFixtures';

const COUNT = 10_000;
const fileName = (i: number) => `img-${String(i).padStart(5, '0')}.png`;

/** Tiny PNGs whose pixels spell their index, so no two have the same content (the importer skips duplicates by SHA-256). */
function writeDistinctImages(folder: string, count: number): void {
  mkdirSync(folder);
  const width = 8;
  const height = 6;
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) data.set([(i * 37) & 255, (i >> 8) & 255, (p * 40 + (i & 7) * 16) & 255], p * 3);
    writeFileSync(join(folder, fileName(i)), encode({ width, height, data, channels: 3, depth: 8 }));
  }
}

test(`browses ${COUNT.toLocaleString('en-US')} images: only the rows in view are in the DOM`, async ({ page, studio }) => {
  const seeding = performance.now();
  const folder = join(studio.dir, 'many');
  writeDistinctImages(folder, COUNT);
  const project = join(studio.dir, 'project');
  cli('init', '--project', project, '--classes', 'voc');
  const report = JSON.parse(cli('import', '--project', project, '--images', folder, '--json')) as { added: number };
  expect(report.added).toBe(COUNT);
  console.log(`seeded ${COUNT} images in ${Math.round(performance.now() - seeding)} ms`);

  // The list reply is the one big frame after an images:list request; thumbnails are counted too.
  let thumbnailRequests = 0;
  let listSentAt = 0;
  const listReplyMs: number[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (frame) => {
      const text = String(frame.payload);
      if (text.includes('images:thumbnail')) thumbnailRequests++;
      if (text.includes('images:list')) listSentAt = performance.now();
    });
    ws.on('framereceived', (frame) => {
      if (listSentAt && frame.payload.length > 1_000_000) {
        listReplyMs.push(performance.now() - listSentAt);
        listSentAt = 0;
      }
    });
  });

  await openStudio(page, studio);
  await page.getByTestId('open-path').fill(project);
  const opening = performance.now();
  await page.getByTestId('open-submit').click();
  const grid = page.getByTestId('image-grid');
  const cards = page.getByTestId('image-card');
  const card = (i: number) => page.locator(`[data-testid="image-card"][data-file-name="${fileName(i)}"]`);
  await expect(card(0)).toBeVisible();
  console.log(`first card shown ${Math.round(performance.now() - opening)} ms after Open; images:list round trips (ms): ${listReplyMs.map(Math.round).join(', ')}`);

  await expect(page.getByTestId('status-images')).toHaveText('10,000');
  await expect(page.getByTestId('image-count')).toHaveText('10,000 shown');
  const inDom = await cards.count();
  console.log(`${inDom} cards in the DOM, ${await grid.getAttribute('data-columns')} columns`);
  expect(inDom).toBeGreaterThan(0);
  expect(inDom).toBeLessThan(300);
  await expect(card(0).getByTestId('thumbnail')).toBeVisible();
  expect(thumbnailRequests).toBeLessThan(300);
  await page.screenshot({ path: '/tmp/fcn-studio-many-images.png' });

  // A range selected across a long scroll: click near the top, shift-click far below.
  await card(2).click();
  const scroller = page.locator('.grid-scroller');
  await scroller.evaluate((el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
  const middle = COUNT / 2;
  await expect(card(middle)).toBeInViewport();
  // Rows scrolled past leave the DOM (but the clicked card's row stays: it has the focus).
  await expect(card(Number(await grid.getAttribute('data-columns')) * 3)).toHaveCount(0);
  await card(middle).click({ modifiers: ['Shift'] });
  const picked = middle - 2 + 1;
  await expect(page.getByTestId('selection-count')).toHaveText(`${picked.toLocaleString('en-US')} images selected`);
  await page.getByTestId('selection-split').selectOption('val');
  await expect(page.getByTestId('status-split-val')).toHaveText(picked.toLocaleString('en-US'));
  await expect(page.getByTestId('status-split-unassigned')).toHaveText((COUNT - picked).toLocaleString('en-US'));
  await expect(card(middle).getByTestId('card-split')).toHaveText('Val');
  await expect(card(middle + 1).getByTestId('card-split')).toHaveText('Unassigned');
  expect(await cards.count()).toBeLessThan(300);

  // Scrolled to the end, the last image is there with its thumbnail.
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(card(COUNT - 1)).toBeInViewport();
  await expect.poll(() => card(COUNT - 1).getByTestId('thumbnail').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  expect(await cards.count()).toBeLessThan(300);
  expect(thumbnailRequests).toBeLessThan(1000);

  // The keyboard moves the focus across rows and scrolls the focused card into view.
  await card(COUNT - 1).focus();
  await page.keyboard.press('Home');
  await expect(card(0)).toBeFocused();
  await expect(card(0)).toBeInViewport();
  const columns = Number(await grid.getAttribute('data-columns'));
  await page.keyboard.press('ArrowDown');
  await expect(card(columns)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(card(columns + 1)).toBeFocused();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
  await expect(card(columns * 13 + 1)).toBeFocused();
  await expect(card(columns * 13 + 1)).toBeInViewport();
  await page.keyboard.press('End');
  await expect(card(COUNT - 1)).toBeFocused();
  await expect(card(COUNT - 1)).toBeInViewport();

  // Enter opens the editor; back in the grid, the scroll position survived.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('editor-file-name')).toHaveText(fileName(COUNT - 1));
  await page.getByTestId('editor-back').click();
  await expect(card(COUNT - 1)).toBeInViewport();
  expect(await cards.count()).toBeLessThan(300);
});
