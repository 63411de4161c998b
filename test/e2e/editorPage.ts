import Database from 'better-sqlite3';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Locator, Page } from '@playwright/test';
import { createProject, expect, openStudio, type ImageFolder, type StudioServer } from './studioFixtures';

/** Page coordinates of image pixel (x, y)'s centre, from the view transform the canvas publishes. */
export async function pagePoint(canvas: Locator, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await canvas.boundingBox())!;
  const t = await canvas.evaluate((el) => ({ scale: Number(el.dataset.scale), tx: Number(el.dataset.tx), ty: Number(el.dataset.ty) }));
  return { x: box.x + t.tx + (x + 0.5) * t.scale, y: box.y + t.ty + (y + 0.5) * t.scale };
}

export async function stroke(page: Page, canvas: Locator, points: [number, number][]): Promise<void> {
  const [first, ...rest] = await Promise.all(points.map(([x, y]) => pagePoint(canvas, x, y)));
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of rest) await page.mouse.move(p.x, p.y, { steps: 4 });
  await page.mouse.up();
}

export async function expectSavedVersion(page: Page, version: number): Promise<void> {
  const status = page.getByTestId('save-status');
  await expect(status).toHaveAttribute('data-version', String(version));
  await expect(status).toHaveAttribute('data-state', 'saved');
}

export async function openImage(page: Page, fileName: string): Promise<{ canvas: Locator; imageId: number }> {
  const card = page.locator(`[data-testid="image-card"][data-file-name="${fileName}"]`);
  const imageId = Number(await card.getAttribute('data-image-id'));
  await card.dblclick();
  await expect(page.getByTestId('editor-screen')).toBeVisible();
  const canvas = page.getByTestId('editor-canvas');
  await expect(canvas).toHaveAttribute('data-scale', /\d/);
  return { canvas, imageId };
}

/** The newest stored mask of an image, read from the project's database as the backend wrote it. */
export function storedMask(projectDir: string, imageId: number): { version: number; values: Uint8Array; width: number } | null {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true });
  try {
    const row = db.prepare('SELECT version, png FROM label_masks WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(imageId) as { version: number; png: Buffer } | undefined;
    if (!row) return null;
    const png = decode(row.png);
    return { version: row.version, values: png.data as Uint8Array, width: png.width };
  } finally {
    db.close();
  }
}

/** Opens the studio, creates a project `name` under the server's folder, and imports `images` into it; returns its folder. */
export async function createProjectWithImages(page: Page, studio: StudioServer, images: ImageFolder, name: string, preset: 'voc' | 'camvid' | 'none'): Promise<string> {
  const projectDir = join(studio.dir, name);
  await openStudio(page, studio);
  await createProject(page, projectDir, preset);
  await page.getByTestId('import-path').fill(images.path);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('image-card')).toHaveCount(images.valid.length);
  return projectDir;
}
