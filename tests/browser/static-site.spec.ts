/**
 * The built site (`npm run build`, dist-app/) on a static host under a
 * sub-path, /docs/feedline/, the way a docs site or GitHub Pages serves it:
 * its relative base finds every page, script and dataset there. Learn
 * (learn.html) embeds each demo through the snippet a docs author pastes,
 * and every one of them loads and runs, and its figures reach the text.
 * Without COOP/COEP the service worker isolates the app's pages after one
 * reload; `?coi=0` opts out.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchErrors } from './page-errors.ts';
import { staticHost, type StaticHost } from './static-host.ts';

const SHOTS = 'test-results/screenshots';
const SUB_PATH = '/docs/feedline/';
/** The Learn page's demos: the first an iframe that starts in view, the rest click-to-start buttons. */
const DEMOS = ['waiting', 'workers', 'prefetch', 'more-workers', 'shards', 'bad-images'];

let isolated: StaticHost;
let plain: StaticHost;
test.beforeAll(async () => {
  isolated = await staticHost('dist-app', SUB_PATH, { isolation: true });
  plain = await staticHost('dist-app', SUB_PATH, { isolation: false });
});
test.afterAll(async () => {
  await isolated.close();
  await plain.close();
});

const steps = (page: Page, id: string) =>
  page
    .frameLocator(`#${id}-demo`)
    .getByTestId('step')
    .textContent()
    .then((t) => Number(t ?? 0));

test('from a sub-path the playground loads its bundled data, and learn.html runs every demo and quotes its figures', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  // The playground: the bundled MNIST shards load from ./datasets/ under the sub-path.
  await page.goto(`${isolated.url}?consumer=simulated&step=5&epochs=1`);
  await page.getByTestId('start-button').click();
  await expect.poll(() => page.getByTestId('step').textContent().then(Number), { timeout: 60_000 }).toBeGreaterThan(3);

  // Learn, tall enough that every demo is in view at once (out of view, a demo pauses).
  await page.setViewportSize({ width: 1280, height: 9000 });
  await page.goto(`${isolated.url}learn.html`);
  await expect(page.getByTestId('machine')).toContainText('cross-origin isolated');
  const startButtons = page.locator('[data-feedline-demo=start]');
  await expect(startButtons).toHaveCount(DEMOS.length - 1);
  // The first demo starts by itself; the others when clicked. Same-origin frames share the page's main
  // thread, where the first demo (numWorkers 0) loads its batches: it goes first, alone.
  await expect.poll(() => steps(page, DEMOS[0]), { timeout: 60_000, message: 'the first demo starts in view' }).toBeGreaterThan(1);
  for (let i = DEMOS.length - 1; i >= 1; i--) await startButtons.nth(i - 1).click();
  for (const id of DEMOS.slice(1)) await expect.poll(() => steps(page, id), { timeout: 90_000, message: `demo ${id} runs` }).toBeGreaterThan(0);
  // Each frame reported its figures; the text quotes them.
  await expect(page.locator('output[data-demo=waiting][data-figure=waitShare]')).toHaveText(/^(<1|\d{1,3})%$/);
  await expect(page.locator('output[data-demo=workers][data-figure=workers]')).toHaveText('4');
  await expect(page.locator('output[data-demo=prefetch][data-figure=stepMs]')).toHaveText(/^[\d,]+ ms$/);
  // Same origin, isolated, allow="cross-origin-isolated": the demos share memory with their workers.
  await expect(page.frameLocator('#workers-demo').getByTestId('transfer-notice')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('on a static host without COOP/COEP the service worker isolates the app after one reload; ?coi=0 opts out', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${plain.url}learn.html`);
  // The first visit registers coi-serviceworker and reloads once; the reloaded page is isolated.
  // (A poll that meets the reload itself reads false and tries again.)
  const isolatedBySw = () => page.evaluate(() => crossOriginIsolated && navigator.serviceWorker.controller !== null).catch(() => false);
  await expect.poll(isolatedBySw, { timeout: 30_000 }).toBe(true);
  await expect(page.getByTestId('machine')).toContainText('cross-origin isolated: the demos share');
  // The demos inherit it: the first one runs, once in view, with the shared ring.
  await page.locator('#waiting-demo').scrollIntoViewIfNeeded();
  await expect.poll(() => steps(page, 'waiting'), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect(page.frameLocator('#waiting-demo').getByTestId('transfer-notice')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/learn-desktop.png` });

  // ?coi=0: the worker is removed, the page is not isolated, and the demo says it runs in transfer mode.
  await page.goto(`${plain.url}learn.html?coi=0`);
  await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => null), { timeout: 30_000 }).toBe(false);
  await expect(page.getByTestId('machine')).toContainText('not cross-origin isolated');
  await expect(page.frameLocator('#waiting-demo').getByTestId('transfer-notice')).toContainText('Transfer mode');
  await expect(page.frameLocator('#waiting-demo').getByTestId('isolation-link')).toHaveAttribute('href', 'learn.html#isolation');

  // On a phone in light mode the article is one readable column: nothing scrolls sideways, the demo included.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#waiting-demo').scrollIntoViewIfNeeded();
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  const frame = await page.locator('#waiting-demo').boundingBox();
  expect(frame!.x).toBeGreaterThanOrEqual(0);
  expect(frame!.x + frame!.width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${SHOTS}/learn-phone-light.png` });
  expect(errors).toEqual([]);
});
