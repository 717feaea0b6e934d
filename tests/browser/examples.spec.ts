/**
 * The PyTorch seed examples in examples/, run as written in Chromium under
 * Vite (the dataset modules start as bundled module workers), their slow
 * reads shortened.
 */
import { expect, test, type Page } from '@playwright/test';

interface ExamplesWindow {
  examples: {
    runTensor(): Promise<{ orders: number[][]; shapes: string[]; wrong: number; shared: boolean }>;
    runRaise(sleepMs: number): Promise<{ printed: string[]; trained: number[] }>;
    runSkip(sleepMs: number, slowEvery: number, timeoutMs: number): Promise<{
      delivered: number;
      skipped: Array<{ index: number; reason: string; source: string; message: string }>;
    }>;
    runShapes(limit: number): Promise<{ shapes: number[][]; labels: number[][]; differ: number; sample: number[] }>;
    problems: string[];
  };
}

async function open(page: Page): Promise<void> {
  await page.goto('/examples/index.html');
  await expect(page).toHaveTitle(/ready/);
}

const examples = (page: Page) => page.evaluateHandle(() => (window as unknown as ExamplesWindow).examples);
const HUNDREDTHS = Array.from({ length: 10 }, (_, k) => k * 100);

test.afterEach(async ({ page }) => {
  expect(await page.evaluate(() => (window as unknown as ExamplesWindow).examples.problems)).toEqual([]);
});

test('example 1: TensorDataset 1000 x 10, batch 32, 4 workers, shuffled: every index once per epoch, two orders, values intact', async ({ page }) => {
  await open(page);
  const r = await (await examples(page)).evaluate((x) => x.runTensor());
  expect(r.shared).toBe(true);
  expect(r.shapes).toEqual(['[32,10]', '[8,10]']);
  expect(r.wrong).toBe(0);
  const all = Array.from({ length: 1000 }, (_, i) => i);
  for (const order of r.orders) expect([...order].sort((a, b) => a - b)).toEqual(all);
  expect(r.orders[0]).not.toEqual(r.orders[1]);
});

test("example 3 under 'raise': the loop prints an error naming batch, epoch and sample for every hundredth index, and carries on", async ({ page }) => {
  await open(page);
  const r = await (await examples(page)).evaluate((x) => x.runRaise(4));
  // Batches of 32 in order: index 100k falls in batch floor(100k / 32).
  const failed = HUNDREDTHS.map((i) => Math.floor(i / 32));
  expect(r.printed).toHaveLength(10);
  r.printed.forEach((line, k) => {
    expect(line).toMatch(
      new RegExp(
        `^Error in batch ${failed[k]} of epoch 0: Caught IOError in DataLoader worker [0-3] loading sample ${HUNDREDTHS[k]} ` +
          `\\(error-prone\\[${HUNDREDTHS[k]}\\]\\) of batch ${failed[k]}, epoch 0: dataset: could not read sample ${HUNDREDTHS[k]}$`,
      ),
    );
  });
  expect(r.trained).toEqual(Array.from({ length: 32 }, (_, b) => b).filter((b) => !failed.includes(b)));
});

test("example 3 under 'skip': 990 of 1000 delivered, the 10 listed with their reason; with timeoutMs below the sleep the slow samples time out", async ({ page }) => {
  await open(page);
  const skip = await (await examples(page)).evaluate((x) => x.runSkip(4, 1, 0));
  expect(skip.delivered).toBe(990);
  expect(skip.skipped.map((s) => [s.index, s.reason, s.source, s.message])).toEqual(
    HUNDREDTHS.map((i) => [i, 'dataset', `error-prone[${i}]`, `could not read sample ${i}`]),
  );
  // Samples 99, 199, ... sleep 30 to 90 s: each times out after 300 ms instead of stalling the epoch.
  const timed = await (await examples(page)).evaluate((x) => x.runSkip(60_000, 100, 300));
  expect(timed.delivered).toBe(980);
  const reasons = new Map(timed.skipped.map((s) => [s.index, s.reason]));
  for (const i of HUNDREDTHS) expect([reasons.get(i), reasons.get(i + 99)]).toEqual(['dataset', 'timeout']);
});

test('example 2: the custom image module with decodeImage and Normalize gives the built-in pipeline its pixels', async ({ page }) => {
  await open(page);
  const r = await (await examples(page)).evaluate((x) => x.runShapes(8));
  expect(r.shapes).toEqual([[8, 224, 224, 3], [8, 224, 224, 3]]);
  expect(r.labels[0]).toEqual(r.labels[1]);
  expect(r.differ).toBe(0);
  expect(r.sample.some((v) => v !== 0)).toBe(true);
});
