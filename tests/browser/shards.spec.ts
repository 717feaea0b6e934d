/**
 * Datasets packed in shards, in Chromium: the MNIST shards give the same
 * batches, bit for bit, as the per-file MNIST manifest for the same seed, on
 * the main thread and in workers, shared and transfer; each shard crosses
 * the network once per loader; and the header check still refuses a bomb
 * inside a shard before any decoder sees it.
 */
import { expect, test, type Page } from '@playwright/test';
import { packShards } from '../../scripts/datasets/shard-writer.ts';
import { brokenFiles } from '../fixtures/broken.ts';
import type { PlainBatch } from './harness.ts';

async function open(page: Page): Promise<void> {
  await page.goto('/tests/browser/harness.html');
  await expect(page).toHaveTitle(/ready/);
}

test.afterEach(async ({ page }) => {
  expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
});

/** Shard fetches the page makes, by path (the loader fetches shards on the main thread). */
function countShardRequests(page: Page): Map<string, number> {
  const counts = new Map<string, number>();
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith('.tar')) counts.set(path, (counts.get(path) ?? 0) + 1);
  });
  return counts;
}

/** The first `count` batches of MNIST's test split from `manifest`, batchSize 16, seed 11. */
function firstBatches(page: Page, manifest: string, numWorkers: number, mode: 'shared' | 'transfer', count = 3) {
  return page.evaluate(
    async ({ manifest, numWorkers, mode, count }) => {
      const { DataLoader, ImageDataset, plain } = window.feedline;
      const dataset = await ImageDataset.fromManifest(manifest, 'test');
      const loader = new DataLoader(dataset, { batchSize: 16, shuffle: true, seed: 11, numWorkers }, { mode });
      const batches: PlainBatch[] = [];
      try {
        for await (const batch of loader) {
          batches.push({ ...plain(batch), worker: null });
          if (batches.length === count) break;
        }
        return { batches, shards: loader.stats().shards ?? null, source: String(dataset.source(5)) };
      } finally {
        loader.close();
      }
    },
    { manifest, numWorkers, mode, count },
  );
}

test('MNIST shards give the per-file batches bit for bit, for numWorkers 0, 1 and 3, shared and transfer, each shard fetched once per loader', async ({ page }) => {
  await open(page);
  const requests = countShardRequests(page);
  const files = await firstBatches(page, '/datasets/mnist/manifest.json', 2, 'shared');
  expect(files.batches.map((b) => b.indices.length)).toEqual([16, 16, 16]);
  expect(requests.size).toBe(0);
  let loaders = 0;
  for (const numWorkers of [0, 1, 3]) {
    for (const mode of ['shared', 'transfer'] as const) {
      const shards = await firstBatches(page, '/datasets/mnist/shards/manifest.json', numWorkers, mode);
      loaders++;
      expect(shards.batches, `numWorkers ${numWorkers}, ${mode}`).toEqual(files.batches);
      expect(shards.source).toMatch(/\/datasets\/mnist\/shards\/test-000000\.tar#\d{5}$/);
      expect(shards.shards).toMatchObject({ order: 'global', shards: 1, indexed: true, requests: 1 });
      expect(Object.fromEntries(requests)).toEqual({ '/datasets/mnist/shards/test-000000.tar': loaders });
    }
  }
});

test('a loader over the four MNIST train shards requests each of them once', async ({ page }) => {
  await open(page);
  const requests = countShardRequests(page);
  const run = await page.evaluate(async () => {
    const { DataLoader, ImageDataset } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/datasets/mnist/shards/manifest.json', 'train');
    const loader = new DataLoader(dataset, { batchSize: 64, shuffle: true, numWorkers: 2 });
    let seen = 0;
    try {
      for await (const batch of loader) if ((seen += batch.size) >= 640) break;
      return { seen, shards: loader.stats().shards };
    } finally {
      loader.close();
    }
  });
  expect(run.seen).toBe(640);
  expect(run.shards).toMatchObject({ order: 'global', window: null, shards: 4, requests: 4, evictions: 0 });
  expect([...requests.entries()].sort()).toEqual([0, 1, 2, 3].map((s) => [`/datasets/mnist/shards/train-00000${s}.tar`, 1]));
});

test('the header check refuses a PNG and a JPEG bomb inside a shard, naming shard and key', async ({ page }) => {
  const broken = brokenFiles();
  const images = ['good-00.png', 'bomb.png', 'bomb.jpg', 'good-01.png'].map((name) => broken.get(name)!);
  const list = images.map((file, i) => ({ key: `s${i}`, ext: file.type === 'image/png' ? 'png' : 'jpg', image: file.bytes, label: i % 2 }));
  const [shard] = packShards(list, 'bomb', Number.MAX_SAFE_INTEGER, 2);
  const manifest = { name: 'bombs', classes: ['a', 'b'], width: 12, height: 10, channels: 3, splits: { train: { shards: [shard.entry] } } };
  await page.route('**/__shards__/manifest.json', (route) => route.fulfill({ json: manifest }));
  await page.route('**/__shards__/bomb-000000.tar', (route) => route.fulfill({ body: Buffer.from(shard.bytes), contentType: 'application/x-tar' }));
  await open(page);
  const run = await page.evaluate(async () => {
    const { DataLoader, ImageDataset } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/__shards__/manifest.json');
    const loader = new DataLoader(dataset, { batchSize: 4, numWorkers: 1, onError: 'skip' });
    const indices: number[] = [];
    try {
      for await (const batch of loader) indices.push(...batch.indices);
      return { indices, skipped: loader.stats().skipped.map(({ index, reason, source, error }) => ({ index, reason, source, message: error.message })) };
    } finally {
      loader.close();
    }
  });
  expect(run.indices).toEqual([0, 3]);
  expect(run.skipped.map(({ index, reason }) => [index, reason])).toEqual([
    [1, 'oversize'],
    [2, 'oversize'],
  ]);
  expect(run.skipped[0].source).toMatch(/\/__shards__\/bomb-000000\.tar#s1$/);
  expect(run.skipped[0].message).toMatch(/PNG header declares 100000x100000/);
  expect(run.skipped[1].message).toMatch(/JPEG header declares 65000x60000/);
});

test("under a budget smaller than the set, shapes' test shards give every sample once an epoch in the windowed order, the same for numWorkers 0 and 2, and resume mid-epoch", async ({ page }) => {
  await open(page);
  const run = await page.evaluate(async () => {
    const { DataLoader, ImageDataset, plain } = window.feedline;
    // Two shards of 4.2 and 2.4 MB under a 5 MB budget: one shard at a time.
    const dataset = await ImageDataset.fromManifest('/datasets/shapes/shards/manifest.json', 'test');
    const options = { batchSize: 50, shuffle: true, seed: 4, shardCacheBytes: 5_000_000, image: { width: 24, height: 24 } };
    const epochs = async (numWorkers: number) => {
      const loader = new DataLoader(dataset, { ...options, numWorkers });
      const out: Array<Array<{ indices: number[]; hash: number }>> = [];
      try {
        for (let e = 0; e < 2; e++) {
          const batches = [];
          for await (const b of loader) batches.push({ indices: [...b.indices], hash: plain(b).hash });
          out.push(batches);
        }
        return { out, shards: loader.stats().shards! };
      } finally {
        loader.close();
      }
    };
    const main = await epochs(0);
    const workers = await epochs(2);
    const first = new DataLoader(dataset, { ...options, numWorkers: 2 });
    let k = 0;
    for await (const _ of first) if (++k === 3) break;
    const state = first.state();
    first.close();
    const rest = new DataLoader(dataset, { ...options, numWorkers: 2, resumeFrom: state });
    const resumed = [];
    for await (const b of rest) resumed.push({ indices: [...b.indices], hash: plain(b).hash });
    rest.close();
    return { main, workers, resumed };
  });
  const range = Array.from({ length: 400 }, (_, i) => i);
  expect(run.main.shards).toMatchObject({ order: 'windowed', window: 1, shards: 2, budget: 5_000_000 });
  for (const epoch of run.main.out) expect(epoch.flatMap((b) => b.indices).sort((a, b) => a - b)).toEqual(range);
  // Windowed: the first window is one whole shard (253 or 147 samples), so a batch never mixes shards but at the seam.
  const firstShard = (i: number) => i < 253;
  const lead = run.main.out[0][0].indices.every(firstShard) || run.main.out[0][0].indices.every((i) => !firstShard(i));
  expect(lead).toBe(true);
  expect(run.main.out[1].map((b) => b.indices)).not.toEqual(run.main.out[0].map((b) => b.indices));
  expect(run.workers.out).toEqual(run.main.out);
  expect(run.resumed).toEqual(run.main.out[0].slice(3));
});
