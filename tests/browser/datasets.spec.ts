/**
 * Datasets in Chromium: the bundled manifests (real MNIST PNGs, decode-heavy
 * JPEG shapes) checked against decodes made in Node, manifest failures over
 * real HTTP, and a manifest on another origin. The user's own folders:
 * folder.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { fixtureLabel, fixtureRgb } from '../fixtures/pattern.ts';
import type { PlainBatch } from './harness.ts';

const DATASETS = join(process.cwd(), 'public/datasets');

interface Manifest {
  width: number;
  height: number;
  channels: number;
  splits: Record<string, { src: string; label: number }[]>;
}
const readManifest = (name: string): Manifest => JSON.parse(readFileSync(join(DATASETS, name, 'manifest.json'), 'utf8'));

async function open(page: Page): Promise<void> {
  await page.goto('/tests/browser/harness.html');
  await expect(page).toHaveTitle(/ready/);
}

test.afterEach(async ({ page }) => {
  if (!page.url().includes('harness')) return;
  expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
});

type PixelBatch = PlainBatch & { pixels: number[] };

/** The first `count` batches of a bundled dataset's train split, with their pixels. */
function firstBatches(page: Page, name: string, count: number, batchSize: number): Promise<{ shape: object; batches: PixelBatch[] }> {
  return page.evaluate(
    async ({ name, count, batchSize }) => {
      const { DataLoader, ImageDataset, plain } = window.feedline;
      const dataset = await ImageDataset.fromManifest(`/datasets/${name}/manifest.json`, 'train');
      const loader = new DataLoader(dataset, { batchSize, shuffle: true, seed: 3, numWorkers: 2 });
      const batches = [];
      try {
        for await (const batch of loader) {
          batches.push({ ...plain(batch), pixels: [...batch.images] });
          if (batches.length === count) break;
        }
      } finally {
        loader.close();
      }
      return { shape: dataset.shape, batches };
    },
    { name, count, batchSize },
  );
}

test('a loader over the mnist manifest yields 28x28x1 batches whose labels and pixels are the PNGs\u2019', async ({ page }) => {
  await open(page);
  const manifest = readManifest('mnist');
  const { shape, batches } = await firstBatches(page, 'mnist', 4, 16);
  expect(shape).toEqual({ width: 28, height: 28, channels: 1 });
  expect(batches).toHaveLength(4);
  const items = manifest.splits.train;
  for (const batch of batches) {
    expect(batch.shape).toEqual([16, 28, 28, 1]);
    expect(batch.labels).toEqual(batch.indices.map((i) => items[i].label));
    batch.indices.forEach((index, s) => {
      const png = decodePng(readFileSync(join(DATASETS, 'mnist', items[index].src)));
      expect(png.channels).toBe(1);
      const got = batch.pixels.slice(s * 784, (s + 1) * 784);
      expect(got.some((v) => v > 0), `sample ${index} is not blank`).toBe(true);
      expect(got, `pixels of ${items[index].src}`).toEqual([...png.data]);
    });
  }
  // Shuffled: not the first 64 items in order, and 4 batches hold 64 different samples.
  expect(new Set(batches.flatMap((b) => b.indices)).size).toBe(64);
  expect(batches[0].indices).not.toEqual([...Array(16).keys()]);
});

test('the decode-heavy shapes decode at their full 160x160x3, close to a reference JPEG decoder', async ({ page }) => {
  await open(page);
  const manifest = readManifest('shapes');
  const { shape, batches } = await firstBatches(page, 'shapes', 2, 4);
  expect(shape).toEqual({ width: 160, height: 160, channels: 3 });
  const items = manifest.splits.train;
  const sample = 160 * 160 * 3;
  const diffs: string[] = [];
  for (const batch of batches) {
    expect(batch.shape).toEqual([4, 160, 160, 3]);
    expect(batch.labels).toEqual(batch.indices.map((i) => items[i].label));
    batch.indices.forEach((index, s) => {
      const ref = jpeg.decode(readFileSync(join(DATASETS, 'shapes', items[index].src)), { useTArray: true, formatAsRGBA: false });
      expect([ref.width, ref.height]).toEqual([160, 160]);
      let sum = 0;
      let max = 0;
      for (let e = 0; e < sample; e++) {
        const d = Math.abs(batch.pixels[s * sample + e] - ref.data[e]);
        sum += d;
        max = Math.max(max, d);
      }
      const mean = sum / sample;
      diffs.push(`${items[index].src}: mean ${mean.toFixed(3)}, max ${max}`);
      // Chromium (libjpeg-turbo) and jpeg-js round the IDCT and upsample chroma differently:
      // measured here, mean 0.52 to 0.57 and max 3 levels; a wrong or shifted image is tens apart.
      expect(mean, items[index].src).toBeLessThan(1.5);
      expect(max, items[index].src).toBeLessThanOrEqual(10);
    });
  }
  test.info().annotations.push({ type: 'Chromium vs jpeg-js, |difference| per byte', description: diffs.join('; ') });
});

interface OtherOrigin {
  server: Server;
  origin: string;
  /** Paths asked of it, in order. */
  asked: string[];
}

/**
 * Serves public/datasets from another origin (127.0.0.1; the page is on
 * localhost): under /open/ with CORS and CORP headers, under /closed/ without.
 */
function otherOrigin(): Promise<OtherOrigin> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(url.pathname);
    const path = normalize(url.pathname.replace(/^\/(open|closed)\//, '/'));
    if (path.includes('..')) return void res.writeHead(400).end();
    const headers: Record<string, string> = { 'Content-Type': extname(path) === '.json' ? 'application/json' : 'image/png' };
    if (url.pathname.startsWith('/open/')) {
      Object.assign(headers, { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    }
    try {
      res.writeHead(200, headers).end(readFileSync(join(DATASETS, path)));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}`, asked });
    }),
  );
}

test.describe('manifests over HTTP', () => {
  let other: OtherOrigin;
  test.beforeAll(async () => {
    other = await otherOrigin();
  });
  test.afterAll(() => new Promise<void>((resolve) => other.server.close(() => resolve())));

  /** How fromManifest(url, 'train', { strict: true }) fails: the error's name, the URL it names and the problem it states. */
  const failure = (page: Page, url: string) =>
    page.evaluate(async (u) => {
      try {
        await window.feedline.ImageDataset.fromManifest(u, 'train', { strict: true });
        return null;
      } catch (e) {
        const { name, message, url, problem } = e as InstanceType<typeof window.feedline.ManifestError>;
        return { name, message, url, problem };
      }
    }, url);

  test('a missing manifest, one that is not JSON and one that breaks the format each say what is wrong and where', async ({ page }) => {
    await open(page);
    const broken = { name: 'b', classes: ['a'], splits: { train: [{ src: 'x.png', label: 0 }, { src: 'y.png', label: 4 }] } };
    await page.route('**/broken/manifest.json', (route) => route.fulfill({ json: broken }));
    const base = new URL(page.url()).origin;

    const missing = await failure(page, '/datasets/nowhere/manifest.json');
    expect(missing).toMatchObject({ name: 'ManifestError', url: `${base}/datasets/nowhere/manifest.json` });
    expect(missing!.message).toBe(`\`ImageDataset.fromManifest\`: ${missing!.url}: the server answered 404 Not Found`);

    const html = await failure(page, '/tests/browser/harness.html');
    expect(html).toMatchObject({ name: 'ManifestError', url: `${base}/tests/browser/harness.html` });
    expect(html!.problem).toMatch(/^the response is not valid JSON: SyntaxError: Unexpected token '<'/);

    const wrong = await failure(page, '/broken/manifest.json');
    expect(wrong).toMatchObject({ name: 'ManifestError', url: `${base}/broken/manifest.json` });
    expect(wrong!.problem).toBe('"splits.train[1]" (y.png) has label 4, outside the 1 classes (0..0)');
    // Not strict (the default), the invalid item stays, as a sample the loader skips or raises with reason 'manifest'.
    const kept = await page.evaluate(async () => (await window.feedline.ImageDataset.fromManifest('/broken/manifest.json')).invalidItems);
    expect(kept).toEqual([{ index: 1, problem: '"splits.train[1]" (y.png) has label 4, outside the 1 classes (0..0)' }]);
  });

  test('a cross-origin manifest without CORS headers is refused with the URL; with them it loads from that origin', async ({ page }) => {
    await open(page);
    const closed = `${other.origin}/closed/fixtures/manifest.json`;
    const refused = await failure(page, closed);
    expect(refused).toMatchObject({ name: 'ManifestError', url: closed });
    expect(refused!.problem).toBe('the fetch failed (offline, or refused by CORS?): TypeError: Failed to fetch');

    other.asked.length = 0;
    const result = await page.evaluate(async (url) => {
      const { DataLoader, ImageDataset } = window.feedline;
      const dataset = await ImageDataset.fromManifest(url);
      const loader = new DataLoader(dataset, { batchSize: 3, numWorkers: 1 });
      try {
        for await (const batch of loader) {
          return { first: dataset.source(0), labels: [...batch.labels], pixels: [...batch.images] };
        }
      } finally {
        loader.close();
      }
      throw new Error('no batch');
    }, `${other.origin}/open/fixtures/manifest.json`);
    // Sources resolve against the manifest's URL, and the worker fetched them from that origin.
    expect(result.first).toBe(`${other.origin}/open/fixtures/train/00000.png`);
    expect(other.asked[0]).toBe('/open/fixtures/manifest.json');
    // The worker keeps several fetches in flight, for this batch and the next ones it prefetches, so they
    // arrive in any order: every sample of the first batch was asked of that origin, and only images after the manifest.
    const images = other.asked.slice(1);
    for (const i of [0, 1, 2]) expect(images).toContain(`/open/fixtures/train/0000${i}.png`);
    for (const path of images) expect(path).toMatch(/^\/open\/fixtures\/train\/\d{5}\.png$/);
    expect(result.labels).toEqual([0, 1, 2].map(fixtureLabel));
    expect(result.pixels).toEqual([0, 1, 2].flatMap((i) => [...fixtureRgb(i)]));
  });
});
