/**
 * The playground's theme, chart and history parts on ui-parts.html with known
 * data: the curves draw, and follow a series that grows in place; run history
 * survives a reload, compares two runs and deletes one; the confusion matrix
 * holds the right counts; the theme follows the system and the toggle.
 * Screenshots of the page in light and dark go to test-results/screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchErrors } from './page-errors.ts';

interface UiPartsWindow {
  uiParts: { saveRecord(n: number): Promise<void>; pushStep(loss: number, accuracy: number): number };
}

async function open(page: Page) {
  await page.goto('/tests/browser/ui-parts.html');
  await expect(page).toHaveTitle('ui parts ready');
}

/** Pixels on the chart's canvas near each colour (within 40 per channel) and drawn at all. */
async function canvasColors(page: Page, selector: string, colors: Record<string, [number, number, number]>) {
  return page.evaluate(({ selector, colors }) => {
    const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const counts: Record<string, number> = { drawn: 0 };
    for (const name of Object.keys(colors)) counts[name] = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      counts.drawn++;
      for (const [name, [r, g, b]] of Object.entries(colors)) {
        if (Math.abs(data[i] - r) < 40 && Math.abs(data[i + 1] - g) < 40 && Math.abs(data[i + 2] - b) < 40 && data[i + 3] > 200) counts[name]++;
      }
    }
    return counts;
  }, { selector, colors });
}

test('the curves draw a known series and follow it as it grows in place', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page);
  const summary = page.getByTestId('curves-summary');
  await expect(summary).toHaveText(
    'Step 40: loss 0.337, train accuracy 79.5%, test accuracy 73.6% (held-out slice, step 40), epoch-end test accuracy 75.0% (2 epochs).',
  );
  await expect(page.getByRole('img', { name: /Training curves by step/ })).toBeVisible();
  // loss in the light accent (#0072b2), the epoch-end points in bluish green (#009e73)
  const counts = await canvasColors(page, '[data-testid=curves] canvas', { loss: [0, 114, 178], epoch: [0, 158, 115] });
  expect(counts.loss).toBeGreaterThan(100);
  expect(counts.epoch).toBeGreaterThan(50);
  expect(counts.drawn).toBeGreaterThan(2000);

  // The series is reactive state grown in place: the chart redraws on the same canvas, never rebuilt per step.
  await page.locator('[data-testid=curves] canvas').evaluate((c) => c.setAttribute('data-first', 'yes'));
  const steps = await page.evaluate(() => [0, 1, 2].map(() => (window as unknown as UiPartsWindow).uiParts.pushStep(0.25, 0.875)));
  expect(steps).toEqual([41, 42, 43]);
  await expect(summary).toHaveText(/^Step 43: loss 0.250, train accuracy 87.5%/);
  await expect(page.locator('[data-testid=curves] canvas')).toHaveAttribute('data-first', 'yes');
  expect(errors).toEqual([]);
});

test('run history keeps two runs across a reload, compares them and deletes one', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page);
  await expect(page.getByTestId('run-history')).toContainText('No finished runs yet');
  await page.evaluate(async () => {
    const { uiParts } = window as unknown as UiPartsWindow;
    await uiParts.saveRecord(0);
    await uiParts.saveRecord(1);
  });
  await page.reload();
  await expect(page).toHaveTitle('ui parts ready');
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  // newest first: run 1 (shapes, 2 workers, stopped), then run 0
  await expect(rows.nth(0).locator('td')).toHaveText(['', /2026-12-01/, 'shapes', 'mlp', '2 / 2', 'stopped', '1,500', '15.0%', '60.0%', 'Delete']);
  await expect(rows.nth(1).locator('td')).toHaveText(['', /2026-12-01/, 'mnist', 'mlp', '1 / 2', 'done', '1,000', '25.0%', '75.0%', 'Delete']);

  await expect(page.getByTestId('run-compare')).toHaveCount(0);
  await rows.nth(1).getByRole('checkbox').check();
  await rows.nth(0).getByRole('checkbox').check();
  const compare = page.getByTestId('run-compare');
  await expect(compare.getByTestId('compare-row').nth(0)).toHaveText(/Samples\/s\s*1,000\s*1,500/);
  await expect(compare.getByTestId('compare-row').nth(1)).toHaveText(/Wait for data\s*25.0%\s*15.0%/);
  await expect(compare.getByTestId('compare-setting')).toHaveText([/dataset\s*mnist\s*shapes/, /numWorkers\s*1\s*2/]);
  const overlay = await canvasColors(page, '[data-testid=run-compare] canvas', { a: [0, 114, 178], b: [230, 159, 0] });
  expect(overlay.a).toBeGreaterThan(50);
  expect(overlay.b).toBeGreaterThan(50);

  await rows.nth(0).getByRole('button', { name: /Delete the run of/ }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText('mnist');
  await expect(page.getByTestId('run-compare')).toHaveCount(0);
  await page.reload();
  await expect(page).toHaveTitle('ui parts ready');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('run history keeps the newest 50 runs and drops the oldest', async ({ page }) => {
  await open(page);
  await page.evaluate(async () => {
    const { uiParts } = window as unknown as UiPartsWindow;
    for (let n = 0; n < 52; n++) await uiParts.saveRecord(n);
  });
  const ids = await page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
  expect(ids).toHaveLength(50);
  expect(ids[0]).toMatch(/-demo51$/);
  expect(ids[49]).toMatch(/-demo2$/);
  expect(ids.some((id) => /-demo[01]$/.test(id ?? ''))).toBe(false);
});

test('run history without IndexedDB says so instead of failing the page', async ({ page }) => {
  const errors = watchErrors(page);
  await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
  await open(page);
  await expect(page.getByTestId('run-history-error')).toHaveText(/^Run history is unavailable: this browser gives the page no IndexedDB/);
  await expect(page.getByTestId('curves-summary')).toHaveText(/^Step 40:/);
  expect(errors).toEqual([]);
});

test('the confusion matrix holds each count in its cell and names the misclassified samples', async ({ page }) => {
  await open(page);
  const matrix = page.getByTestId('epoch-end-matrix').getByTestId('confusion-matrix');
  await expect(matrix.locator('caption')).toHaveText('Confusion matrix: 15 of 19 test samples right (78.9%). Rows: true class; columns: predicted.');
  await expect(matrix.locator('thead th')).toHaveText(['true class', 'circle', 'square', 'triangle']);
  await expect(matrix.locator('tbody th')).toHaveText(['circle', 'square', 'triangle']);
  const cells = await matrix.locator('td[data-cell]').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-cell'), Number(td.textContent)]));
  expect(cells).toEqual([
    ['0,0', 5], ['0,1', 1], ['0,2', 0],
    ['1,0', 0], ['1,1', 4], ['1,2', 2],
    ['2,0', 1], ['2,1', 0], ['2,2', 6],
  ]);
  await expect(matrix.getByTestId('misclassified').locator('span')).toHaveText(['circle → square', 'square → triangle', 'square → triangle', 'triangle → circle']);
  // the first sample's canvas holds its pixels: the circle's vermillion at the centre
  const centre = await matrix.locator('canvas').first().evaluate((c: HTMLCanvasElement) => [...c.getContext('2d')!.getImageData(6, 6, 1, 1).data]);
  expect(centre).toEqual([213, 94, 0, 255]);
});

test('a held-out slice\'s matrix, which carries no pictures, says how many are wrong and where their pictures come from', async ({ page }) => {
  await open(page);
  const slice = page.getByTestId('slice-matrix');
  await expect(slice.getByTestId('misclassified')).toHaveCount(0);
  await expect(slice.getByTestId('misclassified-later')).toHaveText("4 misclassified: the pictures come with the epoch end's evaluation of the whole test split.");
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the page follows the system's ${scheme} scheme, the toggle overrides it and persists (screenshot)`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await open(page);
    const pageBackground = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const [mine, other] = scheme === 'light' ? ['rgb(241, 245, 249)', 'rgb(13, 17, 23)'] : ['rgb(13, 17, 23)', 'rgb(241, 245, 249)'];
    expect(await pageBackground()).toBe(mine);

    await page.evaluate(async () => {
      const { uiParts } = window as unknown as UiPartsWindow;
      await uiParts.saveRecord(0);
      await uiParts.saveRecord(1);
    });
    await page.getByTestId('run-row').nth(0).getByRole('checkbox').check();
    await page.getByTestId('run-row').nth(1).getByRole('checkbox').check();
    await expect(page.getByTestId('run-compare')).toBeVisible();
    await page.getByRole('button', { name: 'A button' }).focus(); // show the focus ring
    await page.keyboard.press('Tab');
    await page.screenshot({ path: `test-results/screenshots/ui-parts-${scheme}.png`, fullPage: true });

    await page.getByText(scheme === 'light' ? 'Dark' : 'Light', { exact: true }).click();
    expect(await pageBackground()).toBe(other);
    await page.reload();
    await expect(page).toHaveTitle('ui parts ready');
    expect(await pageBackground()).toBe(other);
    await page.getByText('System', { exact: true }).click();
    expect(await pageBackground()).toBe(mine);
    await context.close();
  });
}
