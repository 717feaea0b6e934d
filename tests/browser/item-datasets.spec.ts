/**
 * Tensor and custom datasets where only a browser tells: a TensorDataset on
 * a page that is not cross-origin isolated (each worker gets a copy, batches
 * move by transfer), and a dataset module that throws while it loads in
 * each worker (one clear WorkerError, no sample failures).
 */
import { expect, test } from '@playwright/test';

interface ItemsWindow {
  items: {
    tensorRows(): Promise<{ isolated: boolean; shared: boolean; mode: string; wrong: number; seen: number[] }>;
    brokenModule(): Promise<{ error: string | null; isWorkerError?: boolean; skipped?: number }>;
    customOnMainThread(): Promise<{ length: number; same: boolean }>;
  };
}

const ALL = Array.from({ length: 40 }, (_, i) => i);

test('a TensorDataset on a page without isolation copies its rows to each worker and gives them intact', async ({ page }) => {
  await page.goto('/tests/browser/item-datasets.html?coi=0');
  await expect(page).toHaveTitle(/ready/);
  const r = await page.evaluate(() => (window as unknown as ItemsWindow).items.tensorRows());
  expect(r).toEqual({ isolated: false, shared: false, mode: 'transfer', wrong: 0, seen: ALL });
});

test('a TensorDataset on an isolated page shares its rows and gives them intact', async ({ page }) => {
  await page.goto('/tests/browser/item-datasets.html');
  await expect(page).toHaveTitle(/ready/);
  const r = await page.evaluate(() => (window as unknown as ItemsWindow).items.tensorRows());
  expect(r).toEqual({ isolated: true, shared: true, mode: 'shared', wrong: 0, seen: ALL });
});

test('a dataset module that throws while loading in the workers fails the loader with one WorkerError naming the cause', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/tests/browser/item-datasets.html');
  await expect(page).toHaveTitle(/ready/);
  const r = await page.evaluate(() => (window as unknown as ItemsWindow).items.brokenModule());
  expect(r.isWorkerError).toBe(true);
  expect(r.error).toMatch(/^WorkerError: DataLoader worker [01]: died 2 times in a row without finishing a batch, and `maxWorkerRestarts` is 1: the loader gives up\. Last death: .*cannot open the data root/);
  expect(r.skipped).toBe(0);
  expect(errors).toEqual([]);
});

test("a custom module's decodeImage gives the same batches on the main thread (numWorkers 0) as in 2 workers", async ({ page }) => {
  await page.goto('/tests/browser/item-datasets.html');
  await expect(page).toHaveTitle(/ready/);
  const r = await page.evaluate(() => (window as unknown as ItemsWindow).items.customOnMainThread());
  expect(r).toEqual({ length: 12 * 2 + 12 * 32 * 32 * 3, same: true });
});
