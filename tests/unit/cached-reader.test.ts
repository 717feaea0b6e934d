/**
 * The cache in front of a reader (src/loader/cached-reader.ts), against an
 * in-memory store that can fail on demand: hits and misses, grouped gets,
 * and every failure turning the cache off with one notice while samples keep
 * coming. The browser tests run the same code on real IndexedDB.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchExecutor } from '../../src/loader/worker/batch-executor.ts';
import { CACHE_OP_TIMEOUT_MS, newTally, sampleSource, type SampleSource } from '../../src/loader/cache/cached-reader.ts';
import { resolveOptions, type DataLoaderOptions } from '../../src/loader/options.ts';
import { SlotView, slotLayout } from '../../src/loader/ring.ts';
import { CacheUnavailableError, type SampleKey, type SampleRecord, type SampleStore } from '../../src/loader/cache/sample-cache.ts';
import { shardCacheKey } from '../../src/loader/sources/shard-lease.ts';
import { FakeReader, expectedUint8, fakeRgba, memSrc } from './support/fake-reader.ts';

const IMAGE = { width: 4, height: 3, channels: 3 as const };

class TaggedReader extends FakeReader {
  readonly cacheTag = 'fake/1';
}

/** A store in a Map; `fail` makes the next calls reject with that error; `hang` makes gets never answer. */
class MemoryStore implements SampleStore {
  readonly entries = new Map<string, SampleRecord>();
  getCalls: number[] = []; // group sizes
  putFail: unknown = null;
  hang = false;
  closed = false;

  async getMany(keys: readonly SampleKey[]): Promise<Array<SampleRecord | undefined>> {
    this.getCalls.push(keys.length);
    if (this.hang) return new Promise(() => {});
    return keys.map((key) => this.entries.get(JSON.stringify(key)));
  }

  async putMany(entries: ReadonlyArray<readonly [SampleKey, SampleRecord]>): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.putFail) throw this.putFail;
    for (const [key, record] of entries) this.entries.set(JSON.stringify(key), record);
  }

  close(): void {
    this.closed = true;
  }
}

function setup(options: DataLoaderOptions = {}, store = new MemoryStore(), reader: FakeReader = new TaggedReader(IMAGE)) {
  const resolved = resolveOptions({ cache: 'indexeddb', ...options }, IMAGE);
  const opens: number[] = [];
  const source = sampleSource(reader, resolved, 'worker 3', async () => {
    opens.push(1);
    return store;
  });
  return { source, store, reader, opens, resolved };
}

const signal = new AbortController().signal;

/** RGB of the RGBA a read gives: what the executor keeps of it for 3 channels (a hit's alpha is 255). */
const rgbOf = (rgba: Uint8ClampedArray) => [...rgba].filter((_, k) => k % 4 !== 3);

/** Reads samples `indices` at once, as an executor's job does; returns their RGB and the job's report. */
async function job(source: SampleSource, indices: number[]) {
  const tally = newTally();
  const pixels = await Promise.all(indices.map((i) => source.read(memSrc(i), signal, undefined, tally)));
  return { pixels: pixels.map(rgbOf), report: await source.settle(tally) };
}

/** What the executor must end up with for sample i: the reader's formula, as RGB. */
const rgb = (i: number) => [...expectedUint8(i, IMAGE.width, IMAGE.height, 3)];
const SAMPLE_BYTES = IMAGE.width * IMAGE.height * 3;

afterEach(() => vi.useRealTimers());

describe('CachedReader', () => {
  it("is not there at all with the option 'none': reads go to the reader, settle() reports nothing", async () => {
    const reader = new TaggedReader(IMAGE);
    const source = sampleSource(reader, resolveOptions({}, IMAGE), 'worker 0', () => Promise.reject(new Error('never opened')));
    expect([...(await source.read(memSrc(2), signal, undefined, newTally()))]).toEqual([...fakeRgba(2, IMAGE.width, IMAGE.height)]);
    expect(await source.settle(newTally())).toBeNull();
  });

  it('misses, stores at settle(), then hits with the same bytes without calling the reader', async () => {
    const { source, store, reader, opens } = setup();
    const first = await job(source, [0, 1, 2]);
    expect(first.pixels).toEqual([rgb(0), rgb(1), rgb(2)]);
    expect(first.report).toEqual({ hits: 0, misses: 3, uncacheable: 0, stored: 3, storedBytes: 3 * SAMPLE_BYTES, enabled: true, notice: null });
    expect(store.entries.size).toBe(3);
    const second = await job(source, [2, 0, 1]);
    expect(second.pixels).toEqual([rgb(2), rgb(0), rgb(1)]);
    expect(second.report).toMatchObject({ hits: 3, misses: 0, stored: 0 });
    expect(reader.started).toEqual([memSrc(0), memSrc(1), memSrc(2)]); // only the first job decoded
    expect(opens).toHaveLength(1);
  });

  it('stores only the channels the loader keeps, packed at once: the reader may reuse its buffer after the read', async () => {
    const { source, store } = setup();
    const tally = newTally();
    const bytes = await source.read(memSrc(5), signal, undefined, tally);
    bytes.fill(0);
    await source.settle(tally);
    const [record] = store.entries.values();
    expect(record).toMatchObject({ width: 4, height: 3, channels: 3, bytes: SAMPLE_BYTES });
    expect([...record.pixels]).toEqual(rgb(5));
  });

  it('asks for the gets of one turn in one transaction', async () => {
    const { source, store } = setup();
    await job(source, [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(store.getCalls).toEqual([8]);
  });

  it("looks a whole job's sources up in one transaction, ahead of reads that start one at a time", async () => {
    const { source, store } = setup();
    const indices = Array.from({ length: 32 }, (_, i) => i);
    await job(source, indices); // fill
    store.getCalls = [];
    source.expect(indices.map(memSrc));
    const tally = newTally();
    for (const i of indices) expect(rgbOf(await source.read(memSrc(i), signal, undefined, tally))).toEqual(rgb(i));
    expect(store.getCalls).toEqual([32]);
    expect(tally).toEqual({ hits: 32, misses: 0, uncacheable: 0 });
  });

  it("keys a shard sample by the key it is given (shard URL and size, offset and length), not by the File's name", async () => {
    const { source, store } = setup();
    // A shard slice as the loader hands it out: its bytes tell the fake reader it is sample 4.
    const file = new File([new Uint8Array([0, ...new TextEncoder().encode(memSrc(4))])], 'http://h/train-000000.tar#00004');
    const key = shardCacheKey('http://h/train-000000.tar', 4096, { offset: 1536, length: 9 });
    source.expect([file], [key]);
    const tally = newTally();
    expect(rgbOf(await source.read(file, signal, undefined, tally))).toEqual(rgb(4));
    await source.settle(tally);
    expect([...store.entries.keys()].map((k) => JSON.parse(k)[1])).toEqual(['shard:["http://h/train-000000.tar",4096,1536,9]']);
  });

  it('treats an entry of the wrong size as a miss and replaces it', async () => {
    const { source, store, resolved } = setup();
    await job(source, [4]);
    const [key] = store.entries.keys();
    store.entries.set(key, { pixels: new Uint8Array(8), width: 2, height: 1, channels: 3, bytes: 8 });
    const again = await job(source, [4]);
    expect(again.pixels).toEqual([rgb(4)]);
    expect(again.report).toMatchObject({ hits: 0, misses: 1, stored: 1 });
    expect(store.entries.get(key)!.pixels.length).toBe(resolved.image.width * resolved.image.height * 3);
  });

  it('turns off at a QuotaExceededError with one notice, delivers every sample, and stores nothing more', async () => {
    const { source, store, reader } = setup();
    store.putFail = new DOMException('The current transaction exceeded its quota limitations.', 'QuotaExceededError');
    const first = await job(source, [0, 1]);
    expect(first.pixels).toEqual([rgb(0), rgb(1)]);
    expect(first.report).toMatchObject({ misses: 2, stored: 0, enabled: false });
    expect(first.report!.notice).toBe(
      "`DataLoader` option `cache: 'indexeddb'` is off in worker 3: the browser's storage quota is full (QuotaExceededError). " +
        'Loading goes on without the cache; free disk space, or call `clearSampleCache()`.',
    );
    const second = await job(source, [0, 1, 2]);
    expect(second.pixels).toEqual([rgb(0), rgb(1), rgb(2)]);
    expect(second.report).toMatchObject({ hits: 0, misses: 0, stored: 0, enabled: false, notice: first.report!.notice });
    expect(store.getCalls).toEqual([2]); // no lookups once off
    expect(reader.started).toHaveLength(5);
    expect(store.closed).toBe(true);
  });

  it('turns off when the database cannot be opened (blocked), and reads go straight to the reader', async () => {
    const reader = new TaggedReader(IMAGE);
    const blocked = new CacheUnavailableError('blocked', 'another connection (another tab?) holds version 1 open');
    const source = sampleSource(reader, resolveOptions({ cache: 'indexeddb' }, IMAGE), 'the main thread', () => Promise.reject(blocked));
    const { pixels, report } = await job(source, [0, 1]);
    expect(pixels).toEqual([rgb(0), rgb(1)]);
    expect(report).toMatchObject({ hits: 0, misses: 0, enabled: false });
    expect(report!.notice).toMatch(/is off in the main thread: another connection .*; close the other tabs of this page and reload\.$/);
  });

  it(`turns off when a read gets no answer within ${CACHE_OP_TIMEOUT_MS} ms, and the waiting samples are decoded`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { source, store } = setup();
    store.hang = true;
    const pending = job(source, [0, 1, 2]);
    await vi.advanceTimersByTimeAsync(CACHE_OP_TIMEOUT_MS);
    const { pixels, report } = await pending;
    expect(pixels).toEqual([rgb(0), rgb(1), rgb(2)]);
    expect(report!.notice).toMatch(/a cache read took longer than 10000 ms/);
  });

  it('refuses a reader without a cacheTag: its pixels could come from any decoder', async () => {
    const { source, opens } = setup({}, new MemoryStore(), new FakeReader(IMAGE));
    const { pixels, report } = await job(source, [3]);
    expect(pixels).toEqual([rgb(3)]);
    expect(report!.notice).toMatch(/its PixelReader has no `cacheTag`/);
    expect(opens).toHaveLength(0);
  });

  it('close() closes the connection without a notice', async () => {
    const { source, store } = setup();
    await job(source, [0]);
    source.close();
    await vi.waitFor(() => expect(store.closed).toBe(true));
    expect(await source.settle(newTally())).toMatchObject({ enabled: false, notice: null });
  });
});

describe('BatchExecutor with the cache on', () => {
  it('delivers every sample where there is no IndexedDB (Node) and reports why the cache is off', async () => {
    const options = resolveOptions({ batchSize: 4, cache: 'indexeddb' }, IMAGE);
    const layout = slotLayout({ batchSize: 4, sampleElements: 4 * 3 * 3, dtype: 'uint8' });
    const view = new SlotView(new ArrayBuffer(layout.slotBytes), 0, layout);
    view.markFilling();
    const executor = new BatchExecutor(1, options, new TaggedReader(IMAGE));
    const samples = [0, 1, 2, 3].map((index) => ({ index, label: 0, source: memSrc(index) }));
    const report = await executor.run({ epoch: 0, batch: 0, slot: 0, samples }, view);
    expect(report.count).toBe(4);
    expect([...view.pixels.subarray(0, 36)]).toEqual([...expectedUint8(0, 4, 3, 3)]);
    expect(report.cache).toMatchObject({ hits: 0, misses: 0, enabled: false });
    expect(report.cache!.notice).toMatch(/is off in worker 1: IndexedDB is not available here\. .*use `cache: 'none'` here\.$/);
    executor.close(new Error('done'));
  });
});
