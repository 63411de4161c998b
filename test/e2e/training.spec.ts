import { expect, openStudio, test } from './studioFixtures';
import { openTraining, rectangleProject } from './trainingProject';

test('trains a tiny FCN from the drawer, shows its curves, and cancels and resumes a longer run', async ({ page, studio }) => {
  const project = await rectangleProject(studio.dir, true);
  const panel = await openTraining(page, studio, project);

  // The backend's defaults are what the form shows, so one click would train.
  await expect(panel.getByTestId('training-head')).toHaveValue('fcn8s');
  await expect(panel.getByTestId('training-backbone-small').getByRole('radio')).toBeChecked();
  await expect(panel.getByTestId('training-backend')).toHaveValue('auto');
  await expect(panel.getByTestId('training-epochs')).toHaveValue('');
  await expect(panel.getByTestId('training-epochs')).toHaveAttribute('placeholder', '50');
  await expect(panel.getByText('No runs yet')).toBeVisible();

  await panel.getByTestId('training-epochs').fill('2');
  await panel.getByTestId('training-backend').selectOption('wasm');
  await panel.getByTestId('training-advanced').getByText('Advanced').click();
  await panel.getByTestId('training-size').fill('32');
  await page.screenshot({ path: '/tmp/fcn-studio-training-form.png' });
  await panel.getByTestId('training-start').click();

  const run = panel.getByTestId('run-row').first();
  await expect(run.getByTestId('run-status')).toHaveText('Completed', { timeout: 30_000 });
  await expect(run.getByTestId('run-epochs')).toHaveText('2 / 2 epochs');
  await expect(run.getByTestId('run-best-iou')).toHaveText(/^[01]\.\d{3}$/);
  await expect(run.getByTestId('run-backend')).toContainText('wasm');
  await expect(panel.getByTestId('training-finished')).toContainText('Run #1 stopped: all epochs done');
  await expect(panel.getByTestId('training-chart')).toHaveAttribute('data-epochs', '2');
  await expect(panel.getByTestId('run-resume')).toHaveCount(0);
  await expect(panel.getByTestId('training-backend')).toHaveValue('wasm');
  await page.screenshot({ path: '/tmp/fcn-studio-training-done.png' });

  // A longer run: live progress, then Cancel; the cancelled run offers Resume, which continues run #2.
  await panel.getByTestId('training-epochs').fill('60');
  await panel.getByTestId('training-start').click();
  await expect(panel.getByTestId('training-epoch')).toHaveText(/^Epoch ([3-9]|[1-5]\d) of 60$/, { timeout: 30_000 });
  await expect(panel.getByTestId('training-step')).toHaveText(/^\d+ \/ \d+$/);
  await expect(panel.getByTestId('training-loss')).toHaveText(/^\d+\.\d{4}$/);
  await page.screenshot({ path: '/tmp/fcn-studio-training-running.png' });
  await panel.getByTestId('training-cancel').click();
  const cancelled = panel.locator('[data-testid="run-row"][data-run-id="2"]');
  await expect(cancelled.getByTestId('run-status')).toHaveText('Cancelled');
  await expect(panel.getByTestId('training-form')).toBeVisible();

  await cancelled.getByTestId('run-resume').click();
  await expect(panel.getByTestId('training-progress')).toContainText('Run #2');
  await expect(cancelled.getByTestId('run-status')).toHaveText('Running');

  // Closing the drawer keeps the run going; the pill reopens it.
  await panel.getByTestId('training-close').click();
  await expect(panel).toBeHidden();
  await expect(page.getByTestId('training-pill')).toContainText('Training');
  await page.getByTestId('training-pill').click();
  await panel.getByTestId('training-cancel').click();
  await expect(cancelled.getByTestId('run-status')).toHaveText('Cancelled');
  await expect(panel.getByTestId('run-row')).toHaveCount(2);
  await page.screenshot({ path: '/tmp/fcn-studio-training-runs.png' });
});

test('a reloaded window follows the run in progress and cancels it; a second window follows it too', async ({ page, studio, context }) => {
  const project = await rectangleProject(studio.dir, true);
  let panel = await openTraining(page, studio, project);
  await panel.getByTestId('training-epochs').fill('500');
  await panel.getByTestId('training-backend').selectOption('wasm');
  await panel.getByTestId('training-advanced').getByText('Advanced').click();
  await panel.getByTestId('training-size').fill('32');
  await panel.getByTestId('training-start').click();
  await expect(panel.getByTestId('training-epoch')).toHaveText(/^Epoch [2-9]\d* of 500$/, { timeout: 30_000 });

  // After a reload this window no longer knows the job: the run list names it, and the window follows it.
  await page.reload();
  await expect(page.getByTestId('project-screen')).toBeVisible();
  await expect(page.getByTestId('training-pill')).toContainText(/Training/);
  await page.getByTestId('training-open').click();
  panel = page.getByTestId('training-panel');
  await expect(panel.getByTestId('training-progress')).toContainText('Run #1');
  const epoch = panel.getByTestId('training-epoch');
  await expect(epoch).toHaveText(/^Epoch \d+ of 500$/);
  const live = async () => `${await epoch.textContent()} · ${await panel.getByTestId('training-step').textContent()}`;
  const seen = await live();
  await expect.poll(live, { timeout: 30_000 }).not.toBe(seen);
  // The epochs stored before the reload are drawn with the live ones.
  expect(Number(await panel.getByTestId('training-chart').getAttribute('data-epochs'))).toBeGreaterThan(0);

  const second = await context.newPage();
  await openStudio(second, studio);
  await second.getByTestId('training-open').click();
  const secondPanel = second.getByTestId('training-panel');
  await expect(secondPanel.getByTestId('training-progress')).toContainText('Run #1');
  await expect(secondPanel.getByTestId('training-epoch')).toHaveText(/^Epoch \d+ of 500$/);

  await panel.getByTestId('training-cancel').click();
  const run = panel.locator('[data-testid="run-row"][data-run-id="1"]');
  await expect(run.getByTestId('run-status')).toHaveText('Cancelled');
  await expect(panel.getByTestId('training-finished')).toContainText('Run #1 stopped: cancelled');
  await expect(panel.getByTestId('training-form')).toBeVisible();
  await expect(secondPanel.getByTestId('training-finished')).toContainText('Run #1 stopped: cancelled');
  await expect(secondPanel.locator('[data-testid="run-row"][data-run-id="1"]').getByTestId('run-status')).toHaveText('Cancelled');
  await expect(secondPanel.getByTestId('run-resume')).toBeEnabled();
  await page.screenshot({ path: '/tmp/fcn-studio-training-followed.png' });
});

test('shows why training cannot start when the train split has no labeled images', async ({ page, studio }) => {
  const project = await rectangleProject(studio.dir, false);
  const panel = await openTraining(page, studio, project);
  await panel.getByTestId('training-start').click();
  await expect(panel.getByTestId('inline-error')).toContainText('no labeled images in the train split');
  await expect(panel.getByTestId('training-start')).toBeEnabled();
  await page.screenshot({ path: '/tmp/fcn-studio-training-error.png' });
});
