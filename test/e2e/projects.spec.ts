import { join } from 'node:path';
import { cli, createProject, expect, openStudio, test } from './studioFixtures';

test('refuses the studio to a request without the session token', async ({ browser, studio }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(`${studio.origin}/`);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('needs its token');
  await context.close();
});

test('creates a project with the PASCAL VOC preset and lists its 21 classes', async ({ page, studio }) => {
  await openStudio(page, studio);
  await page.screenshot({ path: '/tmp/fcn-studio-welcome.png' });
  await createProject(page, join(studio.dir, 'voc-project'), 'voc');
  await expect(page.getByTestId('project-name')).toHaveText('voc-project');
  await expect(page.getByTestId('class-row')).toHaveCount(21);
  await expect(page.getByTestId('class-count')).toHaveText('21');
  await expect(page.getByTestId('class-row').first()).toHaveAttribute('data-class-name', /background/i);
  await expect(page.getByTestId('empty-grid')).toBeVisible();
});

test('shows why a project cannot be created where one already is', async ({ page, studio }) => {
  const path = join(studio.dir, 'taken');
  cli('init', '--project', path, '--classes', 'camvid');
  await openStudio(page, studio);
  await page.getByTestId('create-path').fill(path);
  await page.getByTestId('create-submit').click();
  await expect(page.getByTestId('create-project-form').getByTestId('inline-error')).toBeVisible();
  await expect(page.getByTestId('welcome-screen')).toBeVisible();
});

test('opens an existing project by path and remembers it', async ({ page, studio }) => {
  const path = join(studio.dir, 'street-scenes');
  cli('init', '--project', path, '--classes', 'camvid');
  await openStudio(page, studio);

  await page.getByTestId('open-path').fill(join(studio.dir, 'no-such-project'));
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('open-project-form').getByTestId('inline-error')).toBeVisible();

  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('project-name')).toHaveText('street-scenes');
  await expect(page.getByTestId('class-row')).toHaveCount(11);

  await page.getByTestId('close-project').click();
  const recent = page.getByTestId('recent-project');
  await expect(recent).toHaveCount(1);
  await expect(recent).toContainText('street-scenes');
  await recent.click();
  await expect(page.getByTestId('project-name')).toHaveText('street-scenes');
});
