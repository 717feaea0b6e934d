/**
 * The playground in loader-only mode (consumer 'simulated': no model, a step
 * of stepMs per batch): a person presses Start and watches batches of fixture
 * images arrive from the workers, in both ring modes.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchErrors } from './page-errors.ts';

/** Fixtures: 50 train images, batchSize 8 -> 7 batches an epoch (the last holds 2). */
const BATCHES_PER_EPOCH = 7;


/** Loader-only mode with batches of 8 and a simulated step of `stepMs`. */
async function loaderOnly(page: Page, stepMs: number): Promise<void> {
  await page.getByTestId('consumer').selectOption('simulated');
  await page.getByTestId('batch-size').fill('8');
  await page.getByTestId('step-ms').fill(String(stepMs));
}

/** Runs one fast epoch: no consumer delay, so it ends by itself. */
async function runOneEpoch(page: Page): Promise<void> {
  await loaderOnly(page, 0);
  await page.getByTestId('epochs').fill('1');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(page.getByTestId('batches-delivered')).toHaveText(String(BATCHES_PER_EPOCH));
}

/** For each thumbnail canvas: its size and how many of its pixels are not transparent black. */
function canvasInk(page: Page): Promise<{ width: number; height: number; lit: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('[data-testid=batch-canvas]')].map((canvas) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let lit = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] || data[i + 1] || data[i + 2]) lit++;
      return { width: canvas.width, height: canvas.height, lit };
    }),
  );
}

test('shows an epoch of fixture batches loaded by workers through the shared ring', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=fixtures&workers=2');
  await expect(page.getByTestId('mode-badge')).toContainText('shared');
  await expect(page.getByTestId('coi-state')).toContainText('true');

  await runOneEpoch(page);

  // The strip shows a few batches a second, newest first: batch 0 at least, with its labels as text.
  const cards = page.getByTestId('batch-card');
  await expect(cards.last()).toContainText('batch 0');
  await expect(cards.first()).toContainText(/worker [01]/);
  await expect(page.getByTestId('batch-labels').last()).toHaveText(/^labels:\s*((red|green|blue|gray)\s?){8}$/);
  const ink = await canvasInk(page);
  expect(ink.length).toBeGreaterThan(0);
  for (const canvas of ink) {
    expect(canvas.width).toBeGreaterThan(0);
    // Most of every thumbnail is colored (the gaps between them are not).
    expect(canvas.lit).toBeGreaterThan((canvas.width * canvas.height) / 2);
  }
  await expect(page.getByTestId('samples-delivered')).toHaveText('50');
  await expect(page.getByTestId('worker-row')).toHaveCount(2);
  await page.screenshot({ path: '/tmp/dev-page.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('falls back to transfer mode without cross-origin isolation, and batches still arrive', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?coi=0&dataset=fixtures');
  await expect(page.getByTestId('mode-badge')).toContainText('transfer');
  await expect(page.getByTestId('coi-state')).toContainText('false');

  await runOneEpoch(page);

  await expect(page.getByTestId('mode-badge')).toContainText('transfer');
  await expect(page.getByTestId('batch-card').last()).toContainText('batch 0');
  const ink = await canvasInk(page);
  expect(ink.every((canvas) => canvas.lit > 0)).toBe(true);
  await page.screenshot({ path: '/tmp/dev-page-transfer.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('loads on the main thread with numWorkers 0', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=fixtures');
  await page.getByTestId('workers-0').check({ force: true });
  await runOneEpoch(page);
  await expect(page.getByTestId('batch-card').first()).toContainText('main thread');
  await expect(page.getByTestId('worker-row')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('reopens a running loader when batchSize changes, and says the epoch starts its data over', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=fixtures');
  await loaderOnly(page, 200);
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('batch-card').first()).toContainText('8 img');

  await page.getByTestId('batch-size').fill('16');
  // The new loader's batches hold 16 images; its state basis differs, so the epoch's data starts over.
  await expect(page.getByTestId('batch-card').first()).toContainText('16 img');
  await expect(page.getByTestId('note')).toContainText('epoch 1 starts its data over');
  await expect(page.getByTestId('timeline-summary')).toContainText('batchSize 8→16');
  await expect(page.getByTestId('status')).toHaveText('running');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('stopped');
  expect(errors).toEqual([]);
});

test("shows the loader's option error, and runs again once the option is fixed", async ({ page }) => {
  await page.goto('/?dataset=fixtures&workers=2&prefetch=2');
  await loaderOnly(page, 200);
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('running');

  await page.getByTestId('prefetch').fill('100');
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('error')).toContainText('prefetchFactor');

  await page.getByTestId('prefetch').fill('3');
  await expect(page.getByTestId('status')).toHaveText('running');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('ring-slot')).toHaveCount(6);
  await page.getByTestId('start-button').click();
});

test('opens on real MNIST digits, and shows decode-heavy shapes when that dataset is picked', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.getByTestId('dataset')).toHaveValue('mnist');
  await loaderOnly(page, 0);
  await page.getByTestId('epochs').fill('1');
  await page.getByTestId('start-button').click();
  // 8,000 digits at batchSize 8: watch a few arrive, then stop.
  await expect.poll(async () => Number(await page.getByTestId('batches-delivered').textContent())).toBeGreaterThan(5);
  // The bundled MNIST is packed in 4 shards: each fetched once, the exact global order (they fit the budget).
  await expect(page.getByTestId('shard-stats')).toContainText(/^4 requests for 4 \(16\.\d MB, order global\)$/);
  const cards = page.getByTestId('batch-card');
  await expect(cards.first()).toContainText('8 img');
  const ink = await canvasInk(page);
  // Digits are white strokes on black: some, but far from all, pixels are lit.
  for (const canvas of ink.slice(0, 3)) {
    expect(canvas.lit).toBeGreaterThan(canvas.width * canvas.height * 0.05);
    expect(canvas.lit).toBeLessThan(canvas.width * canvas.height * 0.6);
  }
  await page.screenshot({ path: '/tmp/dev-page-mnist.png' });
  await page.getByTestId('dataset').selectOption('shapes');
  // The loader restarts on the new dataset: 160x160 shapes shrink to 40 px thumbnails, digits stay 28 px.
  expect(ink[0].height).toBe(28);
  await expect.poll(async () => (await canvasInk(page))[0]?.height, { timeout: 60_000 }).toBe(40);
  const shapes = (await canvasInk(page))[0];
  expect(shapes.lit).toBeGreaterThan(shapes.width * shapes.height * 0.9); // textured backgrounds everywhere
  await page.screenshot({ path: '/tmp/dev-page-shapes.png' });
  await page.getByTestId('start-button').click(); // stop
  expect(errors).toEqual([]);
});

test('caches decoded samples when asked: the next run hits every sample, and Clear cache empties the cache', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=fixtures');
  await expect(page.getByTestId('cache-size')).toHaveText('0 samples, 0 MB');
  await page.getByTestId('cache-toggle').check();
  await runOneEpoch(page); // a fresh loader: every sample misses, and is stored
  await expect(page.getByTestId('cache-misses')).toHaveText('50');
  await expect(page.getByTestId('cache-hits')).toHaveText('0');
  await expect(page.getByTestId('cache-size')).toHaveText(/^50 samples, /);

  await page.getByTestId('start-button').click(); // another loader finds them all
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(page.getByTestId('cache-hits')).toHaveText('50');
  await expect(page.getByTestId('cache-misses')).toHaveText('0');
  await expect(page.getByTestId('samples-delivered')).toHaveText('50');

  await page.getByTestId('cache-summary').click(); // the developer panels fold below
  await page.getByTestId('cache-clear').click();
  await expect(page.getByTestId('cache-size')).toHaveText('0 samples, 0 MB');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(page.getByTestId('cache-misses')).toHaveText('50');
  await expect(page.getByTestId('cache-notice')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("shows the cache's notice when the storage quota is full, and the run still completes", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=fixtures');
  await expect(page.getByTestId('cache-size')).toHaveText('0 samples, 0 MB'); // the database exists now
  const { usage } = await page.evaluate(() => navigator.storage.estimate());
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: usage ?? 0 });
  await page.getByTestId('cache-toggle').check();
  await runOneEpoch(page);
  await expect(page.getByTestId('samples-delivered')).toHaveText('50');
  await expect(page.getByTestId('cache-notice')).toContainText('QuotaExceededError');
  await expect(page.getByTestId('cache-size')).toHaveText('0 samples, 0 MB');
  await page.screenshot({ path: '/tmp/dev-page-cache-notice.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('a manifest typed by URL loads in loader-only mode, goes in the link, and a missing one says what to do', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?dataset=url');
  await loaderOnly(page, 0);
  await page.getByTestId('epochs').fill('1');
  // Started before any URL is typed: an error that says what to do...
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('error')).toContainText('no manifest URL yet: type one under the dataset');
  // ...and a URL typed in (Enter commits it) runs the loader on that manifest.
  await page.getByTestId('manifest-url').fill('/datasets/fixtures/manifest.json');
  await page.getByTestId('manifest-url').press('Enter');
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(page.getByTestId('batches-delivered')).toHaveText(String(BATCHES_PER_EPOCH));
  await expect(page.getByTestId('samples-delivered')).toHaveText('50');
  await expect(page).toHaveURL(/[?&]manifest=%2Fdatasets%2Ffixtures%2Fmanifest\.json/);
  // A URL with no manifest behind it: the error names it.
  await page.getByTestId('manifest-url').fill('/datasets/nowhere/manifest.json');
  await page.getByTestId('manifest-url').press('Enter');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('error')).toContainText('/datasets/nowhere/manifest.json');
  // The browser logs the 404 it was asked to fetch; nothing else went wrong.
  expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
});
