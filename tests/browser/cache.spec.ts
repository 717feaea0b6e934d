/**
 * The decoded-sample cache (option `cache: 'indexeddb'`) in Chromium: real
 * IndexedDB from real workers. Every test runs in a fresh browser context,
 * so every test starts with an empty cache. Pixels are checked against the
 * fixture formula through per-sample hashes.
 */
import { expect, test, type Page } from '@playwright/test';
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

/** The same FNV-1a as the harness, over bytes computed here from the formula. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** index -> hash of what the loader must deliver for it. */
const expected = (pixels: (i: number) => Uint8Array, n = FIXTURE.train) => Object.fromEntries(range(n).map((i) => [i, fnv1a(pixels(i))]));
const content = (epoch: PlainBatch[]) => epoch.map(({ index, shape, labels, indices, hash }) => ({ index, shape, labels, indices, hash }));
const CACHE = { cache: 'indexeddb' } as const;
const ALL_MISS = (epoch: number) => ({ epoch, hits: 0, misses: FIXTURE.train });
const ALL_HIT = (epoch: number) => ({ epoch, hits: FIXTURE.train, misses: 0 });
const RGBA_BYTES = FIXTURE.width * FIXTURE.height * 4;

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
      storedBytes: FIXTURE.train * RGBA_BYTES,
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
