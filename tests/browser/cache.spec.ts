/**
 * The decoded-sample cache (option `cache: 'indexeddb'`) in Chromium: real
 * IndexedDB from real workers. Every test runs in a fresh browser context,
 * so every test starts with an empty cache. Pixels are checked against the
 * fixture formula through per-sample hashes.
 */
import { expect, test, type Page } from '@playwright/test';
import { fnv1a } from '../../src/loader/fnv1a.ts';
import { FIXTURE, fixtureGray, fixtureRgb } from '../fixtures/pattern.ts';
import type { CacheRun, PlainBatch } from './harness.ts';

async function open(page: Page, query = ''): Promise<void> {
  await page.goto(`/tests/browser/harness.html${query}`);
  await expect(page).toHaveTitle(/ready/);
}

/** Console warnings of the page, as the loader's notice goes there once. */
function warnings(page: Page): string[] {
  const out: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'warning') out.push(msg.text());
  });
  return out;
}

test.afterEach(async ({ page }) => {
  if (!page.url().includes('harness')) return;
  expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** index -> hash of what the loader must deliver for it. */
const expected = (pixels: (i: number) => Uint8Array, n = FIXTURE.train) => Object.fromEntries(range(n).map((i) => [i, fnv1a(pixels(i))]));
const content = (epoch: PlainBatch[]) => epoch.map(({ index, shape, labels, indices, hash }) => ({ index, shape, labels, indices, hash }));
const CACHE = { cache: 'indexeddb' } as const;
const ALL_MISS = (epoch: number) => ({ epoch, hits: 0, misses: FIXTURE.train });
const ALL_HIT = (epoch: number) => ({ epoch, hits: FIXTURE.train, misses: 0 });
/** What the cache stores per fixture sample: RGB, not the reader's RGBA. */
const SAMPLE_BYTES = FIXTURE.width * FIXTURE.height * 3;

for (const { numWorkers, query } of [
  { numWorkers: 0, query: '' },
  { numWorkers: 2, query: '' },
  { numWorkers: 2, query: '?coi=0' },
]) {
  const where = `numWorkers ${numWorkers}, ${query ? 'transfer' : 'shared'} mode`;
  test(`epoch 2 comes wholly from the cache, bit-identical to epoch 1 and to an uncached loader (${where})`, async ({ page }) => {
    const warned = warnings(page);
    await open(page, query);
    const options = { batchSize: 8, shuffle: true, seed: 5, numWorkers };
    const [cached, uncached] = await page.evaluate(
      async (o) => [await window.feedline.runEpochs({ ...o, cache: 'indexeddb' }, 2), await window.feedline.runEpochs(o, 2)],
      options,
    );
    expect(cached.mode).toBe(query ? 'transfer' : 'shared');
    expect(cached.stats.cache).toEqual({
      enabled: true,
      hits: FIXTURE.train,
      misses: FIXTURE.train,
      uncacheable: 0,
      stored: FIXTURE.train,
      storedBytes: FIXTURE.train * SAMPLE_BYTES,
      notice: null,
      epochs: [ALL_MISS(0), ALL_HIT(1)],
    });
    // Every sample of both epochs is the fixture's pixels, byte for byte.
    const want = expected(fixtureRgb);
    expect(cached.samples[0]).toEqual(want);
    expect(cached.samples[1]).toEqual(want);
    // Same batches, same order, same bytes as without the cache.
    expect(cached.epochs.map(content)).toEqual(uncached.epochs.map(content));
    expect(uncached.stats.cache).toMatchObject({ enabled: false, hits: 0, misses: 0, epochs: [] });
    expect(warned).toEqual([]);
  });
}

test('a changed pixel option misses every sample and delivers that option’s pixels; the first set still hits', async ({ page }) => {
  await open(page);
  const runs = await page.evaluate(async (cache) => {
    const { runEpochs } = window.feedline;
    const base = { batchSize: 10, numWorkers: 1, ...cache };
    return {
      fill: await runEpochs(base), // a loader of its own: the cache outlives it
      // Two epochs each: the second is served from the cache under the changed option.
      gray: await runEpochs({ ...base, image: { channels: 1 } }, 2),
      cover: await runEpochs({ ...base, image: { width: 10, height: 10, fit: 'cover' } }, 2),
      float: await runEpochs({ ...base, dtype: 'float32', normalize: { mean: 0.5, std: 0.25 } }, 2),
      again: await runEpochs(base),
    };
  }, CACHE);
  expect(runs.fill.stats.cache.epochs).toEqual([ALL_MISS(0)]);
  for (const changed of [runs.gray, runs.cover, runs.float]) {
    expect(changed.stats.cache).toMatchObject({ enabled: true, stored: FIXTURE.train, epochs: [ALL_MISS(0), ALL_HIT(1)] });
    expect(changed.samples[1]).toEqual(changed.samples[0]);
  }
  expect(runs.again.stats.cache.epochs).toEqual([ALL_HIT(0)]);
  expect(runs.again.samples[0]).toEqual(expected(fixtureRgb));
  expect(runs.gray.samples[0]).toEqual(expected(fixtureGray));
  // cover crops one column off each side of the 12-wide source, unscaled.
  const cropped = (i: number) => {
    const rgb = fixtureRgb(i);
    return Uint8Array.from(range(10).flatMap((y) => [...rgb.subarray((y * 12 + 1) * 3, (y * 12 + 11) * 3)]));
  };
  expect(runs.cover.samples[0]).toEqual(expected(cropped));
  const normalized = (i: number) => new Uint8Array(Float32Array.from(fixtureRgb(i), (v) => (v / 255 - 0.5) / 0.25).buffer);
  expect(runs.float.samples[0]).toEqual(expected(normalized));
  expect(await page.evaluate(() => window.feedline.sampleCacheInfo())).toEqual({
    entries: 4 * FIXTURE.train,
    // base and float32 RGB, cover 10x10 RGB, gray one byte per pixel
    bytes: FIXTURE.train * (2 * SAMPLE_BYTES + 10 * 10 * 3 + SAMPLE_BYTES / 3),
  });
});

test('clearSampleCache() empties the cache: the next epoch misses every sample and stores it again', async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async (cache) => {
    const { DataLoader, ImageDataset, clearSampleCache, sampleCacheInfo } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
    const loader = new DataLoader(dataset, { batchSize: 16, numWorkers: 2, ...cache });
    const infos = [await sampleCacheInfo()];
    for await (const batch of loader) batch.release();
    infos.push(await sampleCacheInfo());
    await clearSampleCache(); // while the loader and its workers' connections live on
    infos.push(await sampleCacheInfo());
    for await (const batch of loader) batch.release();
    infos.push(await sampleCacheInfo());
    for await (const batch of loader) batch.release();
    const stats = loader.stats().cache;
    loader.close();
    return { infos, stats };
  }, CACHE);
  const full = { entries: FIXTURE.train, bytes: FIXTURE.train * SAMPLE_BYTES };
  expect(result.infos).toEqual([{ entries: 0, bytes: 0 }, full, { entries: 0, bytes: 0 }, full]);
  expect(result.stats.epochs).toEqual([ALL_MISS(0), ALL_MISS(1), ALL_HIT(2)]);
  expect(result.stats.stored).toBe(2 * FIXTURE.train);
});

for (const numWorkers of [0, 2]) {
  test(`a full storage quota turns the cache off with one notice; every sample is still delivered, both epochs complete (numWorkers ${numWorkers})`, async ({ page }) => {
    const warned = warnings(page);
    await open(page);
    // Create the database, then cap the origin's quota at what it uses now: the first write fails.
    // (Chromium's DevTools protocol; no test hook in the library.)
    await page.evaluate(() => window.feedline.sampleCacheInfo());
    const { usage } = await page.evaluate(() => navigator.storage.estimate());
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: usage ?? 0 });
    const run: CacheRun = await page.evaluate(
      ({ cache, numWorkers }) => window.feedline.runEpochs({ batchSize: 8, numWorkers, shuffle: true, ...cache }, 2),
      { cache: CACHE, numWorkers },
    );
    for (const epoch of run.samples) expect(epoch).toEqual(expected(fixtureRgb));
    expect(run.stats.epochs.map((e) => [e.samples, e.delivered, e.skipped])).toEqual([
      [50, 50, 0],
      [50, 50, 0],
    ]);
    expect(run.stats.cache).toMatchObject({ enabled: false, hits: 0, stored: 0 });
    const where = numWorkers === 0 ? 'the main thread' : 'worker [01]';
    expect(run.stats.cache.notice).toMatch(
      new RegExp(
        `^\`DataLoader\` option \`cache: 'indexeddb'\` is off in ${where}: the browser's storage quota is full \\(QuotaExceededError\\)\\. ` +
          'Loading goes on without the cache; free disk space, or call `clearSampleCache\\(\\)`\\.$',
      ),
    );
    expect(warned).toEqual([run.stats.cache.notice]);
  });
}

/** Creates the cache database at `version` with a store layout of another era, holding a few junk records. */
async function makeForeignCache(page: Page, version: number, keepOpen: boolean): Promise<void> {
  await page.evaluate(
    ({ name, version, keepOpen }) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open(name, version);
        request.onupgradeneeded = () => {
          const store = request.result.createObjectStore('images', { keyPath: 'url' });
          store.put({ url: '/datasets/fixtures/train/00000.png', pixels: new Uint8Array(7) });
        };
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          // Held open and deaf to versionchange: it blocks every upgrade, as an old tab would.
          (window as unknown as { heldOpen?: IDBDatabase }).heldOpen = request.result;
          if (!keepOpen) request.result.close();
          resolve();
        };
      }),
    { name: 'feedline-sample-cache', version, keepOpen },
  );
}

test('opens a version-1 cache of another layout: upgrades it to the current schema, and the cache works', async ({ page }) => {
  await open(page);
  await makeForeignCache(page, 1, false);
  const run = await page.evaluate((cache) => window.feedline.runEpochs({ batchSize: 8, numWorkers: 2, ...cache }, 2), CACHE);
  expect(run.stats.cache).toMatchObject({ enabled: true, notice: null, epochs: [ALL_MISS(0), ALL_HIT(1)] });
  expect(run.samples[1]).toEqual(expected(fixtureRgb));
  const schema = await page.evaluate(
    () =>
      new Promise<{ version: number; stores: string[]; indexes: string[] }>((resolve, reject) => {
        const request = indexedDB.open('feedline-sample-cache');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const indexes = [...db.transaction('samples').objectStore('samples').indexNames];
          resolve({ version: db.version, stores: [...db.objectStoreNames], indexes });
          db.close();
        };
      }),
  );
  expect(schema).toEqual({ version: 2, stores: ['samples'], indexes: ['bytes'] });
  expect(await page.evaluate(() => window.feedline.sampleCacheInfo())).toEqual({ entries: 50, bytes: 50 * SAMPLE_BYTES });
});

for (const numWorkers of [0, 2]) {
  test(`an older cache held open elsewhere blocks the upgrade: the cache turns off within its bound with one notice, loading goes on (numWorkers ${numWorkers})`, async ({ page }) => {
    const warned = warnings(page);
    await open(page);
    await makeForeignCache(page, 1, true);
    const run = await page.evaluate(
      ({ cache, numWorkers }) => window.feedline.runEpochs({ batchSize: 8, numWorkers, ...cache }, 2),
      { cache: CACHE, numWorkers },
    );
    for (const epoch of run.samples) expect(epoch).toEqual(expected(fixtureRgb));
    expect(run.stats.cache).toMatchObject({ enabled: false, hits: 0, misses: 0, stored: 0 });
    expect(run.stats.cache.notice).toMatch(
      /is off in (worker [01]|the main thread): another connection \(another tab\?\) holds version 1 of IndexedDB "feedline-sample-cache" open and does not close it\. Loading goes on without the cache; close the other tabs of this page and reload\.$/,
    );
    expect(warned).toEqual([run.stats.cache.notice]);
    // The library's own helpers are bounded too: they fail, naming themselves, rather than hang
    // (blocked, or queued behind the loader's own blocked open).
    await expect(page.evaluate(() => window.feedline.sampleCacheInfo())).rejects.toThrow(
      /^.*`sampleCacheInfo\(\)`: (another connection|opening IndexedDB "feedline-sample-cache" took longer than 3000 ms)/,
    );
    // Once the old connection closes, the upgrade goes through and the next loader caches again.
    await page.evaluate(() => (window as unknown as { heldOpen: IDBDatabase }).heldOpen.close());
    const after = await page.evaluate(
      ({ cache, numWorkers }) => window.feedline.runEpochs({ batchSize: 8, numWorkers, ...cache }, 2),
      { cache: CACHE, numWorkers },
    );
    expect(after.stats.cache).toMatchObject({ enabled: true, notice: null, epochs: [ALL_MISS(0), ALL_HIT(1)] });
  });
}

test('a cache written by a newer Feedline is left alone: the cache stays off with the notice, loading goes on', async ({ page }) => {
  await open(page);
  await makeForeignCache(page, 3, false);
  const run = await page.evaluate((cache) => window.feedline.runEpochs({ batchSize: 8, numWorkers: 1, ...cache }), CACHE);
  expect(run.samples[0]).toEqual(expected(fixtureRgb));
  expect(run.stats.cache.enabled).toBe(false);
  expect(run.stats.cache.notice).toMatch(/is off in worker 0: IndexedDB "feedline-sample-cache" was written by a newer Feedline .*update Feedline/);
});

test('Files are keyed by name, size and date, plain Blobs by their bytes; blob: URLs are never cached', async ({ page }) => {
  await open(page);
  const run = await page.evaluate(async (cache) => {
    const { ImageDataset, runEpochs } = window.feedline;
    const url = (i: number) => `/datasets/fixtures/train/${String(i).padStart(5, '0')}.png`;
    const blobs = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => (await fetch(url(i))).blob()));
    const items = [
      ...blobs.slice(0, 2).map((b, k) => ({ src: new File([b], `img-${k}.png`, { type: 'image/png', lastModified: 1000 }), label: 0 })),
      ...blobs.slice(2, 4).map((b) => ({ src: b, label: 0 })),
      ...blobs.slice(4, 6).map((b) => ({ src: URL.createObjectURL(b), label: 0 })),
    ];
    const dataset = ImageDataset.fromItems(items, ['x'], { width: 12, height: 10, channels: 3 });
    return runEpochs({ batchSize: 3, numWorkers: 2, ...cache }, 2, {}, dataset);
  }, CACHE);
  expect(run.stats.cache).toMatchObject({ enabled: true, hits: 4, misses: 4, uncacheable: 4, stored: 4 });
  expect(run.stats.cache.epochs).toEqual([
    { epoch: 0, hits: 0, misses: 4 },
    { epoch: 1, hits: 4, misses: 0 },
  ]);
  for (const epoch of run.samples) expect(epoch).toEqual(expected(fixtureRgb, 6));
});
