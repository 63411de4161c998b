import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { writeRectangleSet } from '../fixtures/segmentationSet';
import { cli, expect, openStudio, type StudioServer } from './studioFixtures';

const VAL_STEMS = ['rect008', 'rect009', 'rect010', 'rect011'];

/** A two-class project (background, box) in `dir`; with `labeled`, 8 labeled train and 4 labeled val images of 32×32. */
export async function rectangleProject(dir: string, labeled: boolean): Promise<string> {
  const project = join(dir, 'rectangles');
  const classes = join(dir, 'classes.json');
  writeFileSync(classes, JSON.stringify({ classes: [{ id: 0, name: 'background', color: [0, 0, 0] }, { id: 1, name: 'box', color: [230, 160, 20] }] }));
  cli('init', '--project', project, '--classes', classes);
  if (!labeled) return project;
  const train = await writeRectangleSet(join(dir, 'train'), 12, 32);
  const val = { images: join(dir, 'val', 'images'), labels: join(dir, 'val', 'labels') };
  mkdirSync(val.images, { recursive: true });
  mkdirSync(val.labels, { recursive: true });
  for (const stem of VAL_STEMS) {
    renameSync(join(train.images, `${stem}.png`), join(val.images, `${stem}.png`));
    renameSync(join(train.labels, `${stem}.png`), join(val.labels, `${stem}.png`));
  }
  for (const [split, set] of [['train', train], ['val', val]] as const) {
    cli('import', '--project', project, '--images', set.images, '--labels', set.labels, '--format', 'png-gray', '--split', split, '--json');
  }
  return project;
}

export async function openTraining(page: Page, studio: StudioServer, project: string) {
  await openStudio(page, studio);
  await page.getByTestId('open-path').fill(project);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('project-screen')).toBeVisible();
  await page.getByTestId('training-open').click();
  const panel = page.getByTestId('training-panel');
  await expect(panel).toBeVisible();
  return panel;
}
