/**
 * The playground as a visitor gets it (the built app under `vite preview`):
 * Start on the default settings (MNIST, an MLP) and the one pipeline shows
 * the training run everywhere: samples/s and loss, the step row's waits and
 * computes, the ring and the worker lanes. A loader change mid-run reopens the
 * loader and the same model trains on; Pause holds the step while the ring fills.
 * A preset's link opens with its settings, stopped runs are kept across a
 * reload and compare side by side, and "Copy as PyTorch" gives Python that parses.
 */
import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { watchErrors } from './page-errors.ts';

const SHOTS = 'test-results/screenshots';

/** Pixels of the timeline's step row near the theme's wait (red) and compute (green) colours. */
function stepRowColours(page: Page): Promise<{ wait: number; compute: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=timeline]')!;
    const css = getComputedStyle(canvas.closest('section')!);
    const parse = (name: string) => {
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = css.getPropertyValue(name).trim();
      probe.fillRect(0, 0, 1, 1);
      return [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    };
    const [wait, compute] = [parse('--tl-wait'), parse('--tl-compute')];
    const ctx = canvas.getContext('2d')!;
    const dpr = canvas.width / canvas.clientWidth;
    // The step row is the last lane: just above the axis (16 px) and its 4 px margin.
    const rowTop = Math.round((canvas.clientHeight - 16 - 4 - 22) * dpr);
    const data = ctx.getImageData(0, rowTop, canvas.width, Math.round(22 * dpr)).data;
    const near = (i: number, c: number[]) => Math.abs(data[i] - c[0]) + Math.abs(data[i + 1] - c[1]) + Math.abs(data[i + 2] - c[2]) < 40;
    let w = 0;
    let g = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (near(i, wait)) w++;
      else if (near(i, compute)) g++;
    }
    return { wait: w, compute: g };
  });
}

const number = async (page: Page, id: string) => Number((await page.getByTestId(id).textContent())!.replace(/,/g, ''));

test('Start trains on the default settings, and every view shows that one run; a loader change keeps the model training', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/?backend=webgl');
  await expect(page.getByTestId('backend')).toHaveText('webgl');
  await expect(page.getByTestId('dataset')).toHaveValue('mnist');
  await expect(page.getByTestId('consumer')).toHaveValue('train');
  await page.screenshot({ path: `${SHOTS}/desktop-light-idle.png` });

  await page.getByTestId('start-button').click();
  // The first step waits for the workers' first batch: the step row shows a wait, then the computes.
  await expect.poll(async () => (await stepRowColours(page)).wait, { intervals: [100] }).toBeGreaterThan(0);
  await expect.poll(async () => (await stepRowColours(page)).compute).toBeGreaterThan(0);
  await expect(page.getByTestId('loss')).toHaveText(/^\d+\.\d{4}$/, { timeout: 60_000 });
  const firstLoss = await page.getByTestId('loss').textContent();
  await expect.poll(() => number(page, 'samples-per-sec')).toBeGreaterThan(0);
  // The page's own UI time is measured and shown while it trains.
  await expect(page.getByTestId('ui-cost')).toContainText(/\d+\.\d ms per second of the main thread/);
  await expect(page.getByTestId('loss')).not.toHaveText(firstLoss!); // read back again 10 steps later
  // The ring and the lanes are the training run's: 'auto' (the default) starts with two workers and says where it is.
  await expect(page.getByTestId('workers-auto')).toBeChecked();
  await expect(page.getByTestId('workers-tuned')).toHaveText(/^now \d+ × \d+ in flight/);
  expect(await page.getByTestId('worker-row').count()).toBeGreaterThanOrEqual(2);
  await expect.poll(() => page.locator('[data-testid=ring-slot]:not([data-state=free])').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('timeline-summary')).toContainText(/step \d+ waited \d+ ms, computed \d+ ms/);
  await expect(page.getByTestId('batch-labels').first()).toHaveText(/^labels:\s*(\d\s?){32}$/); // MNIST digits, batchSize 32
  await page.screenshot({ path: `${SHOTS}/desktop-light-training.png` });

  // numWorkers auto -> 4 and prefetchFactor auto -> 2 mid-run: new lanes, the same model, the step count goes on rising.
  const before = await number(page, 'step');
  await page.getByTestId('prefetch-auto').uncheck();
  await expect(page.getByTestId('prefetch')).toHaveValue('2');
  await expect(page.getByTestId('timeline-summary')).toContainText('last change: prefetchFactor auto→2');
  await page.getByTestId('workers-4').check({ force: true });
  // The mark first: the summary names marks inside the timeline's 5-second window, and four workers
  // starting on a loaded machine can take longer than that (CI once saw the mark gone by then).
  await expect(page.getByTestId('timeline-summary')).toContainText('last change: numWorkers auto→4');
  await expect(page.getByTestId('worker-row')).toHaveCount(4);
  await expect.poll(() => number(page, 'step')).toBeGreaterThan(before + 5);
  await expect(page.getByTestId('error')).toHaveCount(0);

  // Pause holds the step: the count stands and the ring fills with ready batches.
  await page.getByTestId('pause-button').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('ring-paused')).toContainText(/holds after step \d+/);
  const held = Number(/holds after step (\d+)/.exec((await page.getByTestId('ring-paused').textContent())!)![1]);
  await expect(page.getByTestId('step')).toHaveText(String(held));
  // 4 workers x prefetchFactor 2: 8 slots, every one loaded and waiting for the step.
  await expect.poll(() => page.locator('[data-testid=ring-slot][data-state=ready]').count()).toBe(8);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${SHOTS}/desktop-dark-paused.png` });
  expect(await number(page, 'step')).toBe(held);
  await page.getByTestId('resume-run').press('Enter'); // keyboard: Enter on the focused button
  await expect(page.getByTestId('status')).toHaveText('running');
  await expect.poll(() => number(page, 'step')).toBeGreaterThan(held);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/phone-dark-training.png` });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: `${SHOTS}/phone-light-training.png`, fullPage: true });

  await page.getByTestId('start-button').click(); // Stop
  await expect(page.getByTestId('status')).toHaveText('stopped');
  await expect(page.getByTestId('error')).toHaveCount(0); // a Stop is no error
  await expect(page.getByTestId('note')).toHaveCount(0);
  expect(errors).toEqual([]);
});

/** Starts a run, lets it take `steps` steps, stops it. */
async function runFor(page: Page, steps: number): Promise<void> {
  await page.getByTestId('start-button').click();
  await expect.poll(() => number(page, 'step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(steps);
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('stopped');
}

test('a preset link opens with its settings; stopped runs survive a reload and compare; Copy as PyTorch parses as Python', async ({ page, context }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/?preset=slow-network&backend=webgl');
  await expect(page.getByTestId('preset-slow-network')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('preset-lesson')).toContainText('Set numWorkers to 1');
  await expect(page.getByTestId('workers-4')).toBeChecked();
  await expect(page.getByTestId('latency')).toHaveValue('40');
  await expect(page.getByTestId('jitter')).toHaveValue('40');
  await expect(page.getByTestId('extra-compute')).toHaveValue('100');

  await runFor(page, 4);
  // One worker: 8 reads in flight, each at least 40 ms late, so at most 200 samples/s reach the model.
  await page.getByTestId('workers-1').check({ force: true });
  await expect(page).toHaveURL(/workers=1/);
  await runFor(page, 4);
  const oneWorker = await number(page, 'samples-per-sec');
  expect(oneWorker).toBeGreaterThan(0);
  expect(oneWorker).toBeLessThanOrEqual(200);

  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.getByTestId('run-row').nth(0)).toContainText('1 / 2'); // newest first: numWorkers / prefetchFactor
  await expect(page.getByTestId('run-row').nth(1)).toContainText('4 / 2');
  for (const box of await page.getByTestId('run-row').getByRole('checkbox').all()) await box.check();
  await expect(page.getByTestId('run-compare')).toBeVisible();
  await expect(page.getByTestId('compare-setting').filter({ hasText: 'numWorkers' })).toHaveText(/numWorkers\s*1\s*4|numWorkers\s*4\s*1/);
  await page.getByTestId('run-compare').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/desktop-light-compare.png`, fullPage: true });

  await page.getByTestId('copy-pytorch').click();
  await expect(page.getByTestId('copy-pytorch-status')).toContainText('copied');
  const python = await page.evaluate(() => navigator.clipboard.readText());
  expect(python).toContain('num_workers=1');
  expect(python).toContain('SimulatedLatency(dataset, 40, 40)');
  // Parses as Python: ast.parse raises (and python3 exits 1) on a syntax error.
  execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: python });
  // "Embed this": the iframe on embed.html with these settings but not the forced backend (each reader's browser
  // picks its own), and the host script beside it.
  await page.getByTestId('copy-embed').click();
  await expect(page.getByTestId('copy-embed-status')).toContainText('copied');
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const origin = new URL(page.url()).origin;
  expect(snippet).toContain(`<iframe src="${origin}/embed.html?preset=slow-network&amp;workers=1&amp;controls=workers,prefetch&amp;autostart=1&amp;theme=host"`);
  expect(snippet).toContain('title="Feedline demo: Slow network: latency hidden by prefetching"');
  expect(snippet).toContain(`<script src="${origin}/embed-host.js" async></script>`);

  // numWorkers and prefetchFactor 'auto': the consumer waits for the slow network, so the loader's
  // tuner grows a setting; the controls say where it is and the timeline marks each decision.
  await page.getByTestId('extra-compute').fill('0'); // steps of ~50 ms: loading is the bottleneck
  await page.getByTestId('workers-auto').check({ force: true });
  await page.getByTestId('prefetch-auto').check();
  await expect(page).toHaveURL(/workers=auto&prefetch=auto/);
  await expect(page.getByTestId('prefetch')).toHaveValue('auto');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('workers-tuned')).toHaveText(/^now \d+ × \d+ in flight, (still trying|settled)$/);
  await expect(page.getByTestId('timeline-summary')).toContainText(/last change: auto: \d+ workers × \d+ \(/, { timeout: 30_000 });
  await page.screenshot({ path: `${SHOTS}/desktop-light-auto.png` });
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('status')).toHaveText('stopped');
  expect(errors).toEqual([]);
});
