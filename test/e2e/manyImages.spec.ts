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

  let thumbnailRequests = 0;
  page.on('websocket', (ws) => ws.on('framesent', (frame) => void (String(frame.payload).includes('images:thumbnail') && thumbnailRequests++)));

  await openStudio(page, studio);
  await page.getByTestId('open-path').fill(project);
  const opening = performance.now();
  await page.getByTestId('open-submit').click();
  const grid = page.getByTestId('image-grid');
  const cards = page.getByTestId('image-card');
  const card = (i: number) => page.locator(`[data-testid="image-card"][data-file-name="${fileName(i)}"]`);
  await expect(card(0)).toBeVisible();
  console.log(`first card shown ${Math.round(performance.now() - opening)} ms after Open`);

  // The whole list's cost as the page sees it: request, query, transfer and parse, on a socket of its own.
  const listTimes = await page.evaluate(async () => {
    const socket = new WebSocket(`ws://${location.host}/api`);
    socket.binaryType = 'arraybuffer';
    await new Promise((r) => (socket.onopen = r));
    const times: Array<{ ms: number; rows: number; bytes: number }> = [];
    for (let id = 1; id <= 3; id++) {
      const header = new TextEncoder().encode(JSON.stringify({ type: 'invoke', id, channel: 'images:list', request: { sort: 'name', descending: false } }));
      const frame = new Uint8Array(4 + header.byteLength);
      new DataView(frame.buffer).setUint32(0, header.byteLength, true);
      frame.set(header, 4);
      const start = performance.now();
      // Events may arrive on this socket too: wait for this request's reply.
      const reply = await new Promise<{ result: { value: unknown[] }; bytes: number }>((r) => {
        socket.onmessage = (e) => {
          const data = e.data as ArrayBuffer;
          const message = JSON.parse(new TextDecoder().decode(new Uint8Array(data, 4, new DataView(data).getUint32(0, true))));
          if (message.type === 'reply' && message.id === id) r({ ...message, bytes: data.byteLength });
        };
        socket.send(frame);
      });
      const rows = reply.result.value.length;
      times.push({ ms: performance.now() - start, rows, bytes: reply.bytes });
    }
    socket.close();
    return times;
  });
  console.log(`images:list of ${listTimes[0].rows} rows (${(listTimes[0].bytes / 1e6).toFixed(1)} MB): ${listTimes.map((t) => Math.round(t.ms)).join(', ')} ms`);
  expect(listTimes[0].rows).toBe(COUNT);

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
  await page.screenshot({ path: '/tmp/fcn-studio-many-images-selected.png' });

  // A fling through a fifth of the grid, a frame at a time: how long the frames take, and how many cards the DOM holds at most.
  const fling = await scroller.evaluate(
    (el) =>
      new Promise<{ frames: number[]; maxCards: number }>((resolve) => {
        const frames: number[] = [];
        let maxCards = 0;
        let last = performance.now();
        const step = (now: number) => {
          frames.push(now - last);
          last = now;
          maxCards = Math.max(maxCards, el.querySelectorAll('[data-testid="image-card"]').length);
          el.scrollTop += 600;
          if (frames.length < 120) requestAnimationFrame(step);
          else resolve({ frames: frames.slice(1), maxCards });
        };
        requestAnimationFrame(step);
      }),
  );
  const sorted = [...fling.frames].sort((a, b) => a - b);
  console.log(
    `fling of ${fling.frames.length} frames at 600 px each: median ${sorted[sorted.length >> 1].toFixed(1)} ms, ` +
      `95th percentile ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms, worst ${sorted.at(-1)!.toFixed(1)} ms; at most ${fling.maxCards} cards in the DOM`,
  );
  expect(fling.maxCards).toBeLessThan(300);

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

  // A narrower window reflows the grid into fewer columns; the keyboard still reaches the end.
  await page.setViewportSize({ width: 1000, height: 800 });
  await expect.poll(async () => Number(await grid.getAttribute('data-columns'))).toBeLessThan(columns);
  await card(COUNT - 1).focus();
  await page.keyboard.press('End');
  await expect(card(COUNT - 1)).toBeInViewport();
  await page.screenshot({ path: '/tmp/fcn-studio-many-images-end.png' });

  // Enter opens the editor; back in the grid, the scroll position survived.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('editor-file-name')).toHaveText(fileName(COUNT - 1));
  await page.getByTestId('editor-back').click();
  await expect(card(COUNT - 1)).toBeInViewport();
  expect(await cards.count()).toBeLessThan(300);
  console.log(`${thumbnailRequests} thumbnail requests over the whole test`);
});
