/**
 * The loader in Chromium against the Vite dev server: real workers, real
 * decoders, the real ring. Pixels are checked against the fixture formula.
 */
import { expect, test, type Page } from '@playwright/test';
import { FIXTURE, fixtureGray, fixtureLabel, fixtureRgb } from '../fixtures/pattern.ts';
import type { PlainBatch } from './harness.ts';

async function open(page: Page, query = ''): Promise<void> {
  await page.goto(`/tests/browser/harness.html${query}`);
  await expect(page).toHaveTitle(/ready/);
}

// No test may leave an unhandled rejection or error behind in the page.
test.afterEach(async ({ page }) => {
  if (!page.url().includes('harness')) return;
  expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
});

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Comparable content of an epoch: what each batch holds, not who loaded it. */
const content = (epoch: PlainBatch[]) => epoch.map(({ index, shape, labels, indices, hash }) => ({ index, shape, labels, indices, hash }));

for (const numWorkers of [0, 2]) {
  test(`delivers the fixture pixels, labels and indices exactly (numWorkers ${numWorkers})`, async ({ page }) => {
    await open(page);
    const batch = await page.evaluate((n) => window.feedline.firstBatchPixels({ batchSize: 5, numWorkers: n }), numWorkers);
    expect(batch.shape).toEqual([5, FIXTURE.height, FIXTURE.width, 3]);
    expect(batch.indices).toEqual([0, 1, 2, 3, 4]);
    expect(batch.labels).toEqual([0, 1, 2, 3, 4].map(fixtureLabel));
    const expected = [0, 1, 2, 3, 4].flatMap((i) => [...fixtureRgb(i)]);
    expect(batch.pixels).toEqual(expected);
  });
}

test('converts to one channel with BT.601 luma, matching the gray formula', async ({ page }) => {
  await open(page);
  const batch = await page.evaluate(() =>
    window.feedline.firstBatchPixels({ batchSize: 3, numWorkers: 1, image: { channels: 1 } }),
  );
  expect(batch.shape).toEqual([3, FIXTURE.height, FIXTURE.width, 1]);
  expect(batch.pixels).toEqual([0, 1, 2].flatMap((i) => [...fixtureGray(i)]));
});

test('float32 output applies ToTensor and Normalize per channel in the worker', async ({ page }) => {
  await open(page);
  const mean = [0.5, 0.25, 0];
  const std = [0.5, 0.25, 2];
  const batch = await page.evaluate(
    ({ mean, std }) =>
      window.feedline.firstBatchPixels({ batchSize: 2, numWorkers: 1, dtype: 'float32', normalize: { mean, std } }),
    { mean, std },
  );
  const expected = [0, 1].flatMap((i) => [...fixtureRgb(i)].map((v, e) => (v / 255 - mean[e % 3]) / std[e % 3]));
  expect(batch.pixels.length).toBe(expected.length);
  batch.pixels.forEach((v, e) => expect(v).toBeCloseTo(expected[e], 5));
});

test("the same seed gives identical batches for numWorkers 0, 1 and 3, any prefetchFactor, and 'auto'", async ({ page }) => {
  await open(page);
  const runs = await page.evaluate(async () => {
    const configs = [
      { numWorkers: 0, prefetchFactor: 2 },
      { numWorkers: 1, prefetchFactor: 1 },
      { numWorkers: 3, prefetchFactor: 2 },
      { numWorkers: 3, prefetchFactor: 4 },
      { numWorkers: 'auto', prefetchFactor: 'auto' },
    ] as const;
    const out = [];
    for (const c of configs) out.push(await window.feedline.runFixtures({ batchSize: 8, shuffle: true, seed: 7, ...c }, 2));
    return out;
  });
  const [baseline, ...others] = runs.map((r) => r.epochs.map(content));
  for (const other of others) expect(other).toEqual(baseline);
  // numWorkers 3 really spread the work: every worker loaded some batch.
  expect(new Set(runs[2].epochs.flat().map((b) => b.worker))).toEqual(new Set([0, 1, 2]));
  expect(new Set(runs[0].epochs.flat().map((b) => b.worker))).toEqual(new Set([-1]));
});

test('two epochs are two different permutations, each covering every index once', async ({ page }) => {
  await open(page);
  const { epochs } = await page.evaluate(() =>
    window.feedline.runFixtures({ batchSize: 8, shuffle: true, seed: 3, numWorkers: 2 }, 2),
  );
  const [first, second] = epochs.map((e) => e.flatMap((b) => b.indices));
  expect(sorted(first)).toEqual(range(FIXTURE.train));
  expect(sorted(second)).toEqual(range(FIXTURE.train));
  expect(first).not.toEqual(second);
  expect(first).not.toEqual(range(FIXTURE.train));
  expect(epochs.map((e) => e.map((b) => b.index))).toEqual([range(7), range(7)]);
  expect(epochs.map((e) => e[0].epoch)).toEqual([0, 1]);
  // Labels travel with their samples through the shuffle.
  for (const b of epochs.flat()) expect(b.labels).toEqual(b.indices.map(fixtureLabel));
});

test('dropLast and length follow PyTorch for sizes that divide and do not', async ({ page }) => {
  await open(page);
  const cases = [
    { batchSize: 8, dropLast: false, length: 7, sizes: [8, 8, 8, 8, 8, 8, 2] },
    { batchSize: 8, dropLast: true, length: 6, sizes: [8, 8, 8, 8, 8, 8] },
    { batchSize: 10, dropLast: false, length: 5, sizes: [10, 10, 10, 10, 10] },
    { batchSize: 10, dropLast: true, length: 5, sizes: [10, 10, 10, 10, 10] },
    { batchSize: 64, dropLast: false, length: 1, sizes: [50] },
    { batchSize: 64, dropLast: true, length: 0, sizes: [] },
  ];
  const results = await page.evaluate(
    (cs) => Promise.all(cs.map(({ batchSize, dropLast }) => window.feedline.runFixtures({ batchSize, dropLast, numWorkers: 1 }))),
    cases,
  );
  results.forEach((r, i) => {
    expect(r.length, `length for ${JSON.stringify(cases[i])}`).toBe(cases[i].length);
    expect(r.epochs[0].map((b) => b.shape[0])).toEqual(cases[i].sizes);
  });
});

test('inOrder false delivers every batch exactly once', async ({ page }) => {
  await open(page);
  const { epochs } = await page.evaluate(() =>
    window.feedline.runFixtures({ batchSize: 4, numWorkers: 3, prefetchFactor: 2, inOrder: false, shuffle: true, seed: 1 }, 2),
  );
  for (const epoch of epochs) {
    expect(sorted(epoch.map((b) => b.index))).toEqual(range(13));
    expect(sorted(epoch.flatMap((b) => b.indices))).toEqual(range(FIXTURE.train));
  }
});

test("'transfer' mode on a page without COOP/COEP gives the same batches as 'shared'", async ({ page, browser }) => {
  await open(page);
  const options = { batchSize: 8, shuffle: true, seed: 11, numWorkers: 2 };
  const shared = await page.evaluate((o) => window.feedline.runFixtures(o, 2), options);
  const other = await browser.newPage();
  await open(other, '?coi=0');
  expect(await other.evaluate(() => crossOriginIsolated)).toBe(false);
  const transfer = await other.evaluate((o) => window.feedline.runFixtures(o, 2), options);
  const local = await other.evaluate((o) => window.feedline.runFixtures({ ...o, numWorkers: 0 }, 2), options);
  expect(shared.mode).toBe('shared');
  expect(transfer.mode).toBe('transfer');
  expect(transfer.epochs.map(content)).toEqual(shared.epochs.map(content));
  expect(local.epochs.map(content)).toEqual(shared.epochs.map(content));
  await other.close();
});

test('close() ends every worker, and a closed loader refuses to iterate', async ({ page }) => {
  await open(page);
  const started: string[] = [];
  const closed: string[] = [];
  page.on('worker', (worker) => {
    started.push(worker.url());
    worker.on('close', () => closed.push(worker.url()));
  });
  const error = await page.evaluate(async () => {
    const { DataLoader, ImageDataset } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
    const loader = new DataLoader(dataset, { batchSize: 4, numWorkers: 3 });
    for await (const batch of loader) if (batch.index === 2) break; // stop mid-epoch
    loader.close();
    try {
      for await (const _ of loader) return 'iterated';
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return 'no error';
  });
  expect(error).toMatch(/LoaderClosedError: `DataLoader` is closed/);
  await expect.poll(() => closed.length).toBe(3);
  expect(started).toHaveLength(3);
  expect(page.workers()).toHaveLength(0);
});

test('an early break leaves the loader reusable: the next epoch is complete', async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async () => {
    const { DataLoader, ImageDataset, plain } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
    const loader = new DataLoader(dataset, { batchSize: 8, numWorkers: 2, shuffle: true });
    const seen: number[] = [];
    for await (const batch of loader) {
      seen.push(batch.index);
      if (batch.index === 1) break;
    }
    const next = [];
    for await (const batch of loader) next.push(plain(batch));
    const stats = loader.stats();
    loader.close();
    return { seen, next, stats };
  });
  expect(result.seen).toEqual([0, 1]);
  expect(result.next.map((b) => b.index)).toEqual(range(7));
  expect(result.next[0].epoch).toBe(1);
  expect(sorted(result.next.flatMap((b) => b.indices))).toEqual(range(FIXTURE.train));
  // Nothing is left in the ring once the epoch is over.
  expect(result.stats.ring).toMatchObject({ slots: 4, free: 4, filling: 0, held: 0 });
  expect(result.stats.epochs.find((e) => e.epoch === 1)).toMatchObject({ samples: 50, delivered: 50, skipped: 0 });
});

test('Blob and File sources decode in the workers like URLs', async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async () => {
    const { DataLoader, ImageDataset, plain } = window.feedline;
    const urls = [3, 4, 5].map((i) => `/datasets/fixtures/train/${String(i).padStart(5, '0')}.png`);
    const blobs = await Promise.all(urls.map(async (u) => (await fetch(u)).blob()));
    const files = blobs.map((b, k) => new File([b], `img-${k}.png`, { type: 'image/png' }));
    const dataset = ImageDataset.fromItems(
      files.map((src, k) => ({ src, label: k })),
      ['a', 'b', 'c'],
      { width: 12, height: 10, channels: 3 },
    );
    const loader = new DataLoader(dataset, { batchSize: 3, numWorkers: 2 });
    for await (const batch of loader) {
      const out = { ...plain(batch), pixels: [...batch.images] };
      loader.close();
      return out;
    }
    throw new Error('no batch');
  });
  expect(result.labels).toEqual([0, 1, 2]);
  expect(result.pixels).toEqual([3, 4, 5].flatMap((i) => [...fixtureRgb(i)]));
});

test("fit 'cover' and 'contain' give the requested shape with the source's pixels", async ({ page }) => {
  await open(page);
  const [cover, contain] = await page.evaluate(() =>
    Promise.all([
      window.feedline.firstBatchPixels({ batchSize: 1, image: { width: 10, height: 10, fit: 'cover' } }),
      window.feedline.firstBatchPixels({ batchSize: 1, image: { width: 12, height: 20, fit: 'contain' } }),
    ]),
  );
  expect(cover.shape).toEqual([1, 10, 10, 3]);
  // cover crops one column off each side of the 12-wide source, no scaling: exact pixels.
  const rgb = fixtureRgb(0);
  const expectedCover = range(10).flatMap((y) => range(10).flatMap((x) => [...rgb.subarray((y * 12 + x + 1) * 3, (y * 12 + x + 2) * 3)]));
  expect(cover.pixels).toEqual(expectedCover);
  expect(contain.shape).toEqual([1, 20, 12, 3]);
  // contain centres the 12x10 source with 5 zero rows above and below.
  const row = (y: number) => contain.pixels.slice(y * 36, (y + 1) * 36);
  expect(row(0).every((v) => v === 0)).toBe(true);
  expect(row(19).every((v) => v === 0)).toBe(true);
  expect(row(5)).toEqual([...rgb.subarray(0, 36)]);
});

test("a missing image fails the batch under 'raise' with the sample and source, and is skipped under 'skip'", async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async () => {
    const { DataLoader, ImageDataset } = window.feedline;
    const good = (i: number) => `/datasets/fixtures/train/${String(i).padStart(5, '0')}.png`;
    const items = [0, 1, 2, 3].map((i) => ({ src: good(i), label: 0 }));
    items[2] = { src: '/datasets/fixtures/train/missing.png', label: 0 };
    const dataset = ImageDataset.fromItems(items, ['x'], { width: 12, height: 10, channels: 3 });
    const raising = new DataLoader(dataset, { batchSize: 2, numWorkers: 1 });
    let raised = '';
    const before: number[] = [];
    try {
      for await (const b of raising) before.push(b.index);
    } catch (e) {
      raised = (e as Error).message;
    }
    raising.close();
    const skipping = new DataLoader(dataset, { batchSize: 2, numWorkers: 1, onError: 'skip' });
    const indices: number[] = [];
    for await (const b of skipping) indices.push(...b.indices);
    const stats = skipping.stats();
    skipping.close();
    return { raised, before, indices, skipped: stats.skipped, epochs: stats.epochs };
  });
  expect(result.before).toEqual([0]);
  expect(result.raised).toMatch(/DataLoader worker 0 could not load sample 2 \(http:\/\/localhost:\d+\/datasets\/fixtures\/train\/missing\.png\)/);
  expect(result.raised).toMatch(/http: the server answered 404/);
  expect(result.indices).toEqual([0, 1, 3]);
  expect(result.skipped.map((s) => [s.index, s.reason])).toEqual([[2, 'http']]);
  expect(result.epochs[0]).toMatchObject({ samples: 4, delivered: 3, skipped: 1 });
});

test('stats and trace report per-worker work, the ring and consumer waits', async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async () => {
    const { DataLoader, ImageDataset } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
    const loader = new DataLoader(dataset, { batchSize: 5, numWorkers: 2 });
    const phases: Record<string, number> = {};
    const workers = new Set<number>();
    const off = loader.onTrace((e) => {
      phases[e.phase] = (phases[e.phase] ?? 0) + 1;
      workers.add(e.worker);
    });
    let during: string[] = [];
    for await (const batch of loader) if (batch.index === 0) during = loader.stats().ring.states;
    off(); // no waiting: the epoch ends only once every report is in
    const stats = loader.stats();
    loader.close();
    return { phases, workers: [...workers].sort(), stats, during };
  });
  expect(result.stats.batchesDelivered).toBe(10);
  expect(result.during).toHaveLength(4);
  expect(result.during[0]).toBe('held'); // batch 0 sits in slot 0 while the consumer has it
  expect(result.stats.ring.states).toEqual(['free', 'free', 'free', 'free']);
  // Equally idle workers take turns, so neither is left idle.
  for (const w of result.stats.workers) expect(w.batches).toBeGreaterThanOrEqual(2);
  expect(result.stats.samplesDelivered).toBe(50);
  expect(result.stats.workers.map((w) => w.id)).toEqual([0, 1]);
  expect(result.stats.workers.reduce((n, w) => n + w.samples, 0)).toBe(50);
  for (const w of result.stats.workers) expect(w.busyMs).toBeGreaterThan(0);
  expect(result.phases).toMatchObject({ fetch: 50, decode: 50, write: 50, batch: 10, wait: 10 });
  expect(result.workers).toEqual([-1, 0, 1]);
});

test('a new epoch started while the old one still fills every slot waits for them, then delivers it all', async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async () => {
    const { DataLoader, ImageDataset } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
    const loader = new DataLoader(dataset, { batchSize: 5, numWorkers: 2, prefetchFactor: 1 });
    const first = loader[Symbol.asyncIterator]();
    const firstNext = first.next(); // sends batches to both slots
    const second = loader[Symbol.asyncIterator](); // stops the first: both slots are abandoned, none held
    const indices: number[] = [];
    for (let r = await second.next(); !r.done; r = await second.next()) indices.push(...r.value.indices);
    const stats = loader.stats();
    loader.close();
    return { firstDone: (await firstNext).done, indices, ring: stats.ring };
  });
  expect(result.firstDone).toBe(true);
  expect(result.indices).toEqual(range(FIXTURE.train));
  expect(result.ring).toMatchObject({ slots: 2, free: 2 });
});
