/**
 * The embed as a docs author uses it: a plain host page on another origin
 * (127.0.0.1 on its own port; the demo is on localhost) pastes the <iframe>
 * snippet and the host script. Without COOP/COEP on the host the demo runs
 * in transfer mode and says so; it starts once in view, trains, reports its
 * height so the host sizes the frame, takes the host's theme, never takes
 * focus, and pauses while scrolled out of view. Two embeds on one page both
 * run. A host that sends the headers and allows cross-origin isolation gets
 * the shared ring.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { embedSnippet } from '../../src/embed/embed-snippet.ts';
import { watchErrors } from './page-errors.ts';

const SHOTS = 'test-results/screenshots';
/** A loader-only demo: the simulated consumer, 30 ms a batch, MNIST shards, enough epochs to run throughout. */
const DEMO = '?consumer=simulated&step=30&epochs=50';

let host: { server: Server; origin: string };
test.beforeAll(async ({ baseURL }) => {
  host = await hostServer(baseURL!);
});
test.afterAll(() => new Promise<void>((resolve) => host.server.close(() => resolve())));

/**
 * Serves the docs-like host pages: /plain.html without COOP/COEP, /isolated.html
 * with them; each embeds two demos side by side through the snippet, then
 * enough text to scroll them out of view.
 */
function hostServer(app: string): Promise<{ server: Server; origin: string }> {
  const appUrl = new URL('/', app).href;
  const page = () => `<!doctype html>
<html lang="en" data-theme="dark">
<head><meta charset="utf-8"><title>Docs: data loading</title>
<style>body{font-family:sans-serif;margin:0;padding:1rem;background:#111;color:#eee} [data-theme=light] body{background:#fff;color:#111} .pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem} @media (max-width:700px){.pair{grid-template-columns:1fr}}</style></head>
<body>
<h1>Why the model waits for data</h1>
<p>Prefetching overlaps loading with the step. Try it:</p>
<div class="pair">
${embedSnippet(appUrl, `${DEMO}&id=a`, { controls: ['workers'], title: 'Feedline demo A' }).replace('<iframe', '<iframe id="a"').replace(/<script.*<\/script>/, '')}
${embedSnippet(appUrl, `${DEMO}&id=b&workers=1`, { title: 'Feedline demo B' }).replace('<iframe', '<iframe id="b"')}
</div>
<p id="after">${'More text. '.repeat(40)}</p>
<div style="height:4000px"></div>
<p id="bottom">The end.</p>
</body></html>`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' };
    if (path === '/isolated.html') Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    if (path === '/favicon.ico') return void res.writeHead(204).end(); // the browser asks; a docs host would have one
    if (path !== '/plain.html' && path !== '/isolated.html') return void res.writeHead(404).end('not found');
    res.writeHead(200, headers).end(page());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

const batches = async (frame: FrameLocator) => Number((await frame.getByTestId('step').textContent()) ?? 0);

/** The frame's content height as it measures it, and the height the host gave the iframe. */
async function heights(page: Page, id: string): Promise<{ content: number; iframe: number }> {
  const iframe = await page.locator(`#${id}`).evaluate((f: HTMLIFrameElement) => parseFloat(f.style.height));
  const content = await page
    .frames()
    .find((f) => f.url().includes(`id=${id}`))!
    .evaluate(() => Math.ceil(document.querySelector('[data-testid=embed]')!.getBoundingClientRect().height));
  return { content, iframe };
}

test('on a host without COOP/COEP two embeds run in transfer mode, say so, size their frames, take its theme and pause out of view', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${host.origin}/plain.html`);
  const a = page.frameLocator('#a');
  const b = page.frameLocator('#b');
  // autostart: both start once in view, and both progress.
  await expect.poll(() => batches(a), { timeout: 60_000 }).toBeGreaterThan(5);
  await expect.poll(() => batches(b), { timeout: 60_000 }).toBeGreaterThan(5);
  await expect(a.getByTestId('status')).toHaveText('running');
  await expect(a.getByTestId('transfer-notice')).toContainText('Transfer mode');
  await expect(b.getByTestId('transfer-notice')).toBeVisible();
  // Only the controls asked for: A shows numWorkers (the playground's default, 'auto'), B none.
  await expect(a.getByTestId('workers-auto')).toBeChecked();
  await expect(a.getByTestId('prefetch')).toHaveCount(0);
  await expect(b.getByTestId('workers-1')).toHaveCount(0);
  // The host script sized each frame to its content: no scroll bar inside.
  for (const id of ['a', 'b']) {
    await expect.poll(async () => {
      const h = await heights(page, id);
      return Math.abs(h.content - h.iframe);
    }).toBeLessThanOrEqual(1);
    const frame = page.frames().find((f) => f.url().includes(`id=${id}`))!;
    expect(await frame.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1)).toBe(true);
  }
  // theme=host: the host's data-theme, and its change.
  const frameA = page.frames().find((f) => f.url().includes('id=a'))!;
  await expect.poll(() => frameA.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('dark');
  // Nothing took focus, so the host page did not scroll.
  expect(await page.evaluate(() => ({ active: document.activeElement?.tagName, y: scrollY }))).toEqual({ active: 'BODY', y: 0 });
  await page.screenshot({ path: `${SHOTS}/embed-host-desktop-dark.png` });
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
  await expect.poll(() => frameA.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('light');

  // Scrolled out of view: both hold their step; back in view: both go on.
  await page.locator('#bottom').scrollIntoViewIfNeeded();
  await expect(a.getByTestId('status')).toHaveText('paused');
  await expect(b.getByTestId('status')).toHaveText('paused');
  const held = await batches(a);
  await page.waitForTimeout(1000);
  expect(await batches(a)).toBe(held);
  await page.evaluate(() => scrollTo(0, 0));
  await expect(a.getByTestId('status')).toHaveText('running');
  await expect.poll(() => batches(a)).toBeGreaterThan(held);

  // A phone: the host stacks the frames, and each frame's content narrows with it (no sideways scroll).
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => frameA.evaluate(() => document.documentElement.scrollWidth <= innerWidth && innerWidth < 390)).toBe(true);
  await page.screenshot({ path: `${SHOTS}/embed-host-phone-light.png` });
  expect(errors).toEqual([]);
});

test('on a host with COOP/COEP and allow="cross-origin-isolated" the embed gets the shared ring', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${host.origin}/isolated.html`);
  const a = page.frameLocator('#a');
  await expect.poll(() => batches(a), { timeout: 60_000 }).toBeGreaterThan(3);
  const frame = page.frames().find((f) => f.url().includes('id=a'))!;
  expect(await frame.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(a.getByTestId('transfer-notice')).toHaveCount(0);
  expect(errors).toEqual([]);
});
