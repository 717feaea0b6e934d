/**
 * The dev page's reliability views: the skip list over the broken corpus,
 * and the offer to resume a run after the tab was closed.
 */
import { expect, test } from '@playwright/test';
import { watchErrors } from './page-errors.ts';
import { BROKEN_KINDS } from '../fixtures/broken.ts';


test("lists every bad sample of the broken corpus with its reason under 'skip', and finishes the epoch", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=fixtures');
  await page.getByTestId('dataset').selectOption('broken');
  await page.getByTestId('on-error').selectOption('skip');
  await page.getByTestId('timeout').fill('800');
  await page.getByTestId('shuffle').uncheck(); // manifest order: the list reads as BROKEN_KINDS
  await page.getByTestId('consumer').selectOption('simulated');
  await page.getByTestId('epochs').fill('1');
  await page.getByTestId('step-ms').fill('0');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('done', { timeout: 30_000 });
  await expect(page.getByTestId('skip-count')).toHaveText(String(BROKEN_KINDS.length));
  const rows = page.getByTestId('skip-row');
  await expect(rows).toHaveCount(BROKEN_KINDS.length);
  const reasons = await rows.locator('td:nth-child(4)').allTextContents();
  expect(reasons).toEqual(BROKEN_KINDS.map((k) => k.reason));
  await expect(rows.nth(0)).toContainText('missing.png');
  await expect(rows.nth(0)).toContainText('the server answered 404 Not Found');
  // Two good images, then one bad, per kind, and two more: the goods are all delivered.
  await expect(page.getByTestId('samples-delivered')).toHaveText(String(2 * BROKEN_KINDS.length + 2));
  await page.screenshot({ path: '/tmp/dev-page-skips.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('offers to resume a run after the tab was closed, and continues at the batch it stopped', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=fixtures');
  await page.getByTestId('consumer').selectOption('simulated');
  await page.getByTestId('batch-size').fill('8');
  await page.getByTestId('epochs').fill('2');
  // 400 ms a batch and a 50 ms poll: the reload lands in the first epoch's 7 batches even on a busy machine.
  await page.getByTestId('step-ms').fill('400');
  await expect(page.getByTestId('resume-offer')).toHaveCount(0);
  await page.getByTestId('start-button').click();
  await expect
    .poll(async () => Number(await page.getByTestId('batches-delivered').textContent()), { intervals: [50] })
    .toBeGreaterThanOrEqual(4); // batch 3 arrived: batches 0-2 are done, and their state saved
  // The tab goes away mid-epoch; its settings live in the page, so set them again after the reload.
  await page.reload();
  await page.getByTestId('consumer').selectOption('simulated');
  await page.getByTestId('batch-size').fill('8');
  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('step-ms').fill('0');
  const offer = page.getByTestId('resume-offer');
  await expect(offer).toBeVisible();
  const position = (await page.getByTestId('resume-position').textContent())!;
  const [, epoch, batch] = position.match(/^epoch (\d+), batch (\d+)$/)!.map(Number);
  expect(epoch).toBe(1);
  expect(batch).toBeGreaterThanOrEqual(3);
  expect(batch).toBeLessThan(7);
  await page.getByTestId('resume-button').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  // The first epoch's remaining batches, then the whole second one: 7 batches of 8 (the last of 2) per epoch.
  await expect(page.getByTestId('batches-delivered')).toHaveText(String(7 - batch + 7));
  await expect(page.getByTestId('note')).toHaveText(`continued at epoch 1, batch ${batch + 1}`);
  await expect(offer).toHaveCount(0); // a finished run leaves nothing to resume
  expect(await page.evaluate(() => localStorage.getItem('feedline:loader-state'))).toBeNull();
  expect(errors).toEqual([]);
});

test("under 'raise' the broken corpus stops the run with an error that says what to do; the skip list and the ring say so too", async ({ page }) => {
  await page.goto('/?dataset=fixtures');
  await page.getByTestId('dataset').selectOption('broken');
  await page.getByTestId('consumer').selectOption('simulated');
  await page.getByTestId('on-error').selectOption('raise');
  await page.getByTestId('shuffle').uncheck();
  await page.getByTestId('step-ms').fill('0');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('error')).toContainText('A sample failed to load and stopped the run');
  await expect(page.getByTestId('error')).toContainText("set onError to 'skip'");
  await expect(page.getByTestId('error-why')).toContainText('missing.png');
  // Not "none: every sample so far loaded": nothing is skipped under 'raise', and it says why.
  await expect(page.getByTestId('skip-raised')).toContainText("under onError 'raise' the first bad sample stopped the run");
  // The loader is closed: no slot stays "filling".
  await expect(page.locator('[data-testid=ring-slot][data-state=filling]')).toHaveCount(0);
});

test("under 'retry' a stalled step says it waits and that samples are retried, and the skip list counts the tries", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?dataset=fixtures');
  await page.getByTestId('dataset').selectOption('broken');
  await page.getByTestId('consumer').selectOption('simulated');
  await page.getByTestId('on-error').selectOption('retry');
  await page.getByTestId('timeout').fill('1500');
  await page.getByTestId('shuffle').uncheck();
  await page.getByTestId('epochs').fill('1');
  await page.getByTestId('step-ms').fill('0');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stall')).toContainText(/the step has waited [\d.]+ s for its next batch; \d+ in flight · failing samples are retried/);
  await expect(page.getByTestId('status')).toHaveText('done', { timeout: 60_000 });
  // A 500 is tried three times (2 retries) before it is skipped.
  const row = page.getByTestId('skip-row').filter({ hasText: '500 Internal Server Error' });
  await expect(row.getByTestId('skip-tries')).toHaveText('3');
  // The simulated consumer step slider has an accessible name.
  await expect(page.getByRole('slider', { name: 'simulated consumer step, ms per batch' })).toBeVisible();
});
