/**
 * What the presets need in a browser: the bad-images set (static files, so it
 * works in a build) and the error-prone custom module both open through
 * openBundled and load under 'skip', listing each skipped sample with its
 * reason; and the headline, preset bar and share bar do what they say.
 */
import { expect, test } from '@playwright/test';
import { brokenLayout, brokenKind } from '../fixtures/broken.ts';
import { STATIC_BROKEN_KINDS } from '../../scripts/make-broken.ts';
import type { SkipReport } from './share-harness.svelte.ts';

interface ShareWindow {
  share: {
    firstBatchSkipping(id: string, batchSize: number): Promise<SkipReport>;
    setTiming(waitMs: number, computeMs: number, steps: number): void;
    setRunning(running: boolean): void;
    picked(): string[];
  };
}

test('the bad-images set loads under skip: every good image delivered, every bad one skipped with its reason', async ({ page }) => {
  await page.goto('/tests/browser/share-harness.html');
  await expect(page).toHaveTitle(/ready/);
  const layout = brokenLayout(STATIC_BROKEN_KINDS);
  const r = await page.evaluate((n) => (window as unknown as ShareWindow).share.firstBatchSkipping('bad-images', n), layout.length);
  expect(r.length).toBe(41);
  expect(r.delivered).toEqual(layout.filter((s) => !s.kind).map((s) => s.index));
  expect(r.skipped.map((s) => [s.index, s.reason])).toEqual(layout.filter((s) => s.kind).map((s) => [s.index, s.kind!.reason]));
  for (const s of r.skipped) {
    const kind = layout[s.index].kind!;
    expect(s.message, kind.id).toMatch(kind.message);
  }
  expect(r.skipped.filter((s) => s.reason === 'http').map((s) => s.message)).toEqual([brokenKind('http-404').message.source.slice(1, -1)]);
});

test('the error-prone module opens through openBundled and skips its IOError sample with reason "dataset"', async ({ page }) => {
  await page.goto('/tests/browser/share-harness.html');
  await expect(page).toHaveTitle(/ready/);
  const r = await page.evaluate(() => (window as unknown as ShareWindow).share.firstBatchSkipping('error-prone', 16));
  expect(r.kind).toBe('custom');
  expect(r.length).toBe(1000);
  expect(r.delivered).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  expect(r.skipped).toEqual([{ index: 0, reason: 'dataset', message: expect.stringContaining('could not read sample 0') }]);
});

test('the headline, preset bar and share bar: share and verdict in words, presets by keyboard, a copied link', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/tests/browser/share-harness.html');
  await expect(page).toHaveTitle(/ready/);
  await expect(page.getByTestId('headline-verdict')).toHaveText('no data yet: start a run to see where the time goes');
  // A run that is going (starting, running or paused) but has not finished a step is measuring; it does not ask to be started.
  await page.evaluate(() => (window as unknown as ShareWindow).share.setRunning(true));
  await expect(page.getByTestId('headline-verdict')).toHaveText('measuring: no step finished yet');
  await expect(page.getByTestId('headline-share')).toHaveText('– of each step waits for data');
  await page.evaluate(() => (window as unknown as ShareWindow).share.setTiming(310, 690, 20));
  await expect(page.getByTestId('headline-share')).toHaveText('31% of each step waits for data');
  await expect(page.getByTestId('headline-verdict')).toHaveText('▲ input-bound: add workers or pack the data');

  await page.getByTestId('preset-no-prefetch').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => (window as unknown as ShareWindow).share.picked())).toEqual(['workers']);
  await expect(page.getByTestId('preset-workers')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('preset-lesson')).toContainText('Workers keep the model fed. The same images, now loaded by 4 workers');

  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link-status')).toHaveText('copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('http://example.test/?workers=4&prefetch=4');
});
