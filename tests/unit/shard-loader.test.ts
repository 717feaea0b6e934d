/**
 * The DataLoader over a dataset packed in shards (shard-feed.ts), against a
 * local HTTP server, on the main thread and on worker threads: every sample
 * once per epoch under a budget smaller than the set, the same batches for
 * any worker count, the order in force, a 404 shard under skip and retry
 * with exact accounting, resume mid-epoch, and a fingerprint that covers
 * the index.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataLoader } from '../../src/loader/data-loader.ts';
import { ImageDataset } from '../../src/loader/dataset.ts';
import { epochOrder } from '../../src/loader/sampler.ts';
import { windowedEpochOrder } from '../../src/loader/shard-order.ts';
import type { DataLoaderOptions } from '../../src/loader/options.ts';
import { packShards, type PackedShard } from '../../scripts/datasets/shard-writer.ts';
import { memShardImage } from './support/fake-reader.ts';
import { MODES, flat, openLoader, range, takeEpoch, wrongPixels, type SeenBatch } from './support/loader-harness.ts';
import { ShardServer } from './support/shard-server.ts';

const TINY = { width: 3, height: 2, channels: 3 as const };
const COUNT = 40;
const PER_SHARD = 5;
const server = new ShardServer();
let shards: PackedShard[];

beforeAll(async () => {
  await server.start();
  const list = range(COUNT).map((i) => ({ key: String(i).padStart(5, '0'), ext: 'png', image: memShardImage(i), label: i % 3 }));
  shards = packShards(list, 'train', 2048 * PER_SHARD, 3); // a sample: two members, each a header and a block
  expect(shards.map((s) => s.entry.samples.length)).toEqual(Array(COUNT / PER_SHARD).fill(PER_SHARD));
});
afterAll(() => server.stop());
beforeEach(() => {
  server.files.clear();
  server.requests.clear();
  for (const shard of shards) server.files.set(`/set/${shard.name}`, { bytes: shard.bytes });
});

type Split = { shards: unknown };
/** Serves a manifest at /set/<name>.json and opens its train split. */
function open(name: string, split: Split = { shards: shards.map((s) => s.entry) }): Promise<ImageDataset> {
  const manifest = { name: 'memshards', classes: ['a', 'b', 'c'], ...TINY, splits: { train: split } };
  server.files.set(`/set/${name}.json`, { bytes: new TextEncoder().encode(JSON.stringify(manifest)) });
  return ImageDataset.fromManifest(server.url(`/set/${name}.json`));
}

const shardBytes = () => shards[0].bytes.length;
const OPTIONS = { batchSize: 4, shuffle: true, seed: 5 } satisfies DataLoaderOptions;
/** Room for 2.5 shards: windows of one shard (two must fit, shard-order.ts). */
const small = () => ({ ...OPTIONS, shardCacheBytes: Math.floor(shardBytes() * 2.5) });
const content = (batches: SeenBatch[]) => batches.map(({ worker: _, ...rest }) => rest);
const cut = (order: Int32Array, size: number) => range(Math.ceil(order.length / size)).map((k) => [...order.subarray(k * size, (k + 1) * size)]);

describe('a DataLoader over shards', () => {
  it('names shard and key as each source, and labels from the index', async () => {
    const dataset = await open('named');
    expect(dataset.length).toBe(COUNT);
    expect(dataset.source(7)).toBe(server.url('/set/train-000001.tar#00007'));
    expect(range(COUNT).map((i) => dataset.label(i))).toEqual(range(COUNT).map((i) => i % 3));
    expect(dataset.shards?.indexed).toBe(true);
  });

  it('under a budget smaller than the set: every sample once per epoch, windowed order, the same batches for any worker count', async () => {
    const dataset = await open('small');
    const runs: SeenBatch[][] = [];
    for (const mode of MODES) {
      const { loader, readers } = openLoader(mode, dataset, small());
      const seen: SeenBatch[] = [];
      for (let epoch = 0; epoch < 2; epoch++) {
        const batches = await takeEpoch(loader, Infinity, (batch) => expect(wrongPixels(batch, TINY)).toBeNull());
        expect(flat(batches).sort((a, b) => a - b)).toEqual(range(COUNT));
        expect(batches.map((b) => b.indices)).toEqual(cut(windowedEpochOrder(Array(8).fill(PER_SHARD), 1, 5, epoch), 4));
        expect(batches.flatMap((b) => b.labels)).toEqual(flat(batches).map((i) => i % 3));
        seen.push(...batches);
      }
      const stats = loader.stats().shards!;
      expect(stats).toMatchObject({ order: 'windowed', window: 1, shards: 8, indexed: true, budget: Math.floor(shardBytes() * 2.5) });
      expect(stats.evictions).toBeGreaterThan(0);
      expect(stats.requests).toBe(stats.evictions + stats.resident);
      // Checked when the shard arrived: the reader is told so and reads no header.
      if (mode.numWorkers === 0) expect(readers[0].headerChecked.length).toBe(2 * COUNT);
      runs.push(seen);
    }
    expect(content(runs[1])).toEqual(content(runs[0]));
    expect(content(runs[2])).toEqual(content(runs[0]));
  });

  it('while every shard fits: the exact global permutation, each shard requested once over two epochs', async () => {
    const dataset = await open('fits');
    const { loader } = openLoader({ numWorkers: 2, mode: 'shared' }, dataset, OPTIONS);
    for (let epoch = 0; epoch < 2; epoch++) {
      const batches = await takeEpoch(loader);
      expect(batches.map((b) => b.indices)).toEqual(cut(epochOrder(COUNT, true, 5, epoch), 4));
    }
    expect(shards.map((s) => server.count(`/set/${s.name}`))).toEqual(Array(8).fill(1));
    expect(loader.stats().shards).toMatchObject({ order: 'global', window: null, requests: 8, fetched: 8 * shardBytes(), evictions: 0 });
  });

  it("reads the tar headers of shards named by a brace pattern, and says the set has no index", async () => {
    const dataset = await open('pattern', { shards: 'train-{000000..000007}.tar' });
    expect(dataset.length).toBe(COUNT);
    expect(dataset.source(12)).toBe(server.url('/set/train-000002.tar#00012'));
    const { loader } = openLoader({ numWorkers: 2, mode: 'transfer' }, dataset, OPTIONS);
    const batches = await takeEpoch(loader, Infinity, (batch) => expect(wrongPixels(batch, TINY)).toBeNull());
    expect(flat(batches).sort((a, b) => a - b)).toEqual(range(COUNT));
    expect(loader.stats().shards).toMatchObject({ indexed: false, order: 'global', requests: 8 });
  });

  it.each(MODES)('skips every sample of a 404 shard with reason http, naming shard and key, with exact accounting ($name)', async (mode) => {
    const dataset = await open('gone');
    server.files.delete('/set/train-000003.tar'); // samples 15..19
    const { loader } = openLoader(mode, dataset, { ...OPTIONS, onError: 'skip' });
    const batches = await takeEpoch(loader);
    expect(flat(batches).sort((a, b) => a - b)).toEqual(range(COUNT).filter((i) => i < 15 || i >= 20));
    const stats = loader.stats();
    expect(stats.epochs[0]).toMatchObject({ samples: COUNT, delivered: 35, skipped: 5, abandoned: 0, end: 'complete' });
    expect(stats.skippedByReason).toEqual({ http: 5 });
    expect(stats.skipped.map((s) => s.index).sort((a, b) => a - b)).toEqual([15, 16, 17, 18, 19]);
    expect(stats.skipped.map((s) => s.source).sort()).toEqual([15, 16, 17, 18, 19].map((i) => server.url(`/set/train-000003.tar#000${i}`)));
    expect(stats.skipped.every((s) => s.attempts === 1 && /404/.test(s.error.message))).toBe(true);
    expect(server.count('/set/train-000003.tar')).toBe(1); // failed once for the loader, not once per batch
  });

  it('retries a failed shard by fetching it again, and counts the attempts', async () => {
    const dataset = await open('retry');
    server.files.set('/set/train-000001.tar', { bytes: new Uint8Array(), status: 503 });
    const { loader } = openLoader({ numWorkers: 2, mode: 'shared' }, dataset, { ...OPTIONS, onError: { retry: 2, then: 'skip' } });
    const batches = await takeEpoch(loader);
    expect(flat(batches).length).toBe(35);
    const stats = loader.stats();
    expect(stats.skippedByReason).toEqual({ http: 5 });
    expect(stats.skipped.every((s) => s.attempts === 3)).toBe(true);
    expect(server.count('/set/train-000001.tar')).toBe(3);
  });

  it('fails a sample whose index disagrees with the shard, with reason source, naming it', async () => {
    const entries = structuredClone(shards.map((s) => s.entry));
    entries[0].samples[2].offset += 512; // points at the label member
    const dataset = await open('wrong-index', { shards: entries });
    const { loader } = openLoader({ numWorkers: 0, mode: 'shared' }, dataset, { ...OPTIONS, onError: 'skip' });
    expect(flat(await takeEpoch(loader)).length).toBe(COUNT - 1);
    const [skip] = loader.stats().skipped;
    expect(skip).toMatchObject({ index: 2, reason: 'source', source: server.url('/set/train-000000.tar#00002') });
    expect(skip.error.message).toMatch(/index disagrees with the shard/);
  });

  it('resumes mid-epoch under the windowed order: the same batches as an uninterrupted run', async () => {
    const dataset = await open('resume');
    const whole = await takeEpoch(openLoader({ numWorkers: 2, mode: 'shared' }, dataset, small()).loader);
    const first = openLoader({ numWorkers: 2, mode: 'transfer' }, dataset, small()).loader;
    const before = await takeEpoch(first, 4);
    const state = JSON.parse(JSON.stringify(first.state()));
    first.close();
    expect(state).toMatchObject({ epoch: 0, consumed: 4, basis: { order: 'windowed 1' } });
    const second = openLoader({ numWorkers: 0, mode: 'shared' }, dataset, { ...small(), resumeFrom: state }).loader;
    const rest = await takeEpoch(second);
    expect(content([...before, ...rest])).toEqual(content(whole));
    // Another budget gives another order: the state is refused, naming it.
    expect(() => new DataLoader(dataset, { ...OPTIONS, resumeFrom: state })).toThrow(/order "windowed 1" \(now "global"\)/);
  });

  it('refuses a state whose shard index differs: the fingerprint covers offsets and shard sizes', async () => {
    const dataset = await open('print');
    const state = new DataLoader(dataset, OPTIONS).state();
    const entries = structuredClone(shards.map((s) => s.entry));
    entries[5].samples[1].length -= 1;
    const changed = await open('print-changed', { shards: entries });
    expect(changed.length).toBe(dataset.length);
    expect(() => new DataLoader(changed, { ...OPTIONS, resumeFrom: state })).toThrow(/fingerprint/);
    expect(() => new DataLoader(dataset, { ...OPTIONS, resumeFrom: state })).not.toThrow();
  });
});
