/**
 * DataLoader end to end in Node, with a fake PixelReader whose pixels are a
 * formula and whose delays are seeded. Every behaviour runs through one
 * helper (support/loader-harness.ts) for numWorkers 0 (main thread), and for
 * numWorkers 2 on real worker_threads running the library's worker API over
 * Comlink, with the shared ring and in transfer mode: no behaviour is
 * tested on one path only.
 */
import { describe, expect, it, vi } from 'vitest';
import { LoaderClosedError, SampleError, WorkerError } from '../../src/loader/errors.ts';
import type { TraceEvent } from '../../src/loader/protocol.ts';
import { epochOrder } from '../../src/loader/sampler.ts';
import { expectedUint8, memDataset, memSrc } from './support/fake-reader.ts';
import {
  MODES,
  bounded,
  flat,
  openLoader,
  range,
  summarize,
  takeEpoch,
  wrongPixels,
  type SeenBatch,
} from './support/loader-harness.ts';

const RGB = { width: 5, height: 4, channels: 3 as const };
const TINY = { width: 2, height: 2, channels: 1 as const };

/** Batches of `order` cut by `size`, as the sampler does. */
const chunks = (order: ArrayLike<number>, size: number) =>
  range(Math.ceil(order.length / size)).map((k) => Array.from(order).slice(k * size, (k + 1) * size));

describe.each(MODES)('DataLoader $name', (mode) => {
  const whereRe = mode.numWorkers === 0 ? /^The main thread could not load / : /^DataLoader worker [0-9] could not load /;

  it('delivers every sample once, in sampler order, with its label and its pixels', async () => {
    const { loader } = openLoader(mode, memDataset(23, RGB), { batchSize: 4 }, { seed: 1, maxDelayMs: 3 });
    expect(loader.length).toBe(6);
    const seen = await takeEpoch(loader, Infinity, (batch) => {
      expect(batch.shape).toEqual([batch.size, 4, 5, 3]);
      expect(batch.images).toBeInstanceOf(Uint8Array);
      expect(wrongPixels(batch, RGB)).toBeNull();
    });
    expect(seen.map((b) => b.indices)).toEqual(chunks(range(23), 4));
    expect(seen.map((b) => b.index)).toEqual(range(6));
    expect(seen.map((b) => b.labels)).toEqual(chunks(range(23).map((i) => i % 3), 4));
    expect(seen.every((b) => b.epoch === 0)).toBe(true);
    const workers = new Set(seen.map((b) => b.worker));
    if (mode.numWorkers === 0) expect(workers).toEqual(new Set([-1]));
    else for (const w of workers) expect(w).toBeGreaterThanOrEqual(0);
  });

  it.each([
    // n, batchSize, dropLast, batch sizes (PyTorch's len(loader) rules)
    [50, 8, false, [8, 8, 8, 8, 8, 8, 2]],
    [50, 8, true, [8, 8, 8, 8, 8, 8]],
    [48, 8, false, [8, 8, 8, 8, 8, 8]],
    [48, 8, true, [8, 8, 8, 8, 8, 8]],
    [3, 8, true, []],
  ] as const)('cuts %i samples into batches of %i (dropLast %s) as %j', async (n, batchSize, dropLast, sizes) => {
    const { loader } = openLoader(mode, memDataset(n, TINY), { batchSize, dropLast });
    expect(loader.length).toBe(sizes.length);
    const seen = await takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull());
    expect(seen.map((b) => b.size)).toEqual(sizes);
    expect(flat(seen)).toEqual(range(sizes.reduce((a, b) => a + b, 0)));
    expect(loader.stats().epochs).toEqual([{ epoch: 0, samples: flat(seen).length, delivered: flat(seen).length, skipped: 0, abandoned: 0, end: 'complete' }]);
  });

  it('reshuffles each epoch into the permutation given by (seed, epoch)', async () => {
    const dataset = memDataset(30, TINY);
    const { loader } = openLoader(mode, dataset, { batchSize: 7, shuffle: true, seed: 11 }, { seed: 2, maxDelayMs: 2 });
    const epochs: SeenBatch[][] = [];
    for (let e = 0; e < 3; e++) epochs.push(await takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull()));
    expect(loader.epoch).toBe(3);
    epochs.forEach((seen, e) => {
      expect(seen.every((b) => b.epoch === e)).toBe(true);
      expect([...flat(seen)].sort((a, b) => a - b)).toEqual(range(30));
      expect(seen.map((b) => b.indices)).toEqual(chunks(epochOrder(30, true, 11, e), 7));
      expect(seen.map((b) => b.labels)).toEqual(seen.map((b) => b.indices.map((i) => i % 3)));
    });
    expect(flat(epochs[0])).not.toEqual(range(30));
    expect(flat(epochs[1])).not.toEqual(flat(epochs[0]));
    expect(flat(epochs[2])).not.toEqual(flat(epochs[1]));
    // Another loader with the same seed sees the same epochs.
    const again = openLoader(mode, dataset, { batchSize: 7, shuffle: true, seed: 11 }).loader;
    expect(flat(await takeEpoch(again))).toEqual(flat(epochs[0]));
  });

  it('delivers batches in sampler order when inOrder is true, though batch 0 finishes last', async () => {
    const slow = { [memSrc(0)]: 150 };
    const { loader } = openLoader(mode, memDataset(24, TINY), { batchSize: 4 }, { seed: 3, maxDelayMs: 4, slow });
    const seen = await takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull());
    expect(seen.map((b) => b.index)).toEqual(range(6));
    expect(flat(seen)).toEqual(range(24));
  });

  it('delivers each batch exactly once, as soon as it is ready, when inOrder is false', async () => {
    const slow = { [memSrc(0)]: 150 };
    const { loader } = openLoader(mode, memDataset(24, TINY), { batchSize: 4, inOrder: false }, { seed: 3, maxDelayMs: 4, slow });
    const seen = await takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull());
    expect(seen.map((b) => b.index).sort((a, b) => a - b)).toEqual(range(6));
    for (const b of seen) expect(b.indices).toEqual(range(4).map((j) => 4 * b.index + j));
    // With prefetch, batch 0 (150 ms late) cannot come first; without, nothing is loaded ahead.
    if (mode.numWorkers === 0) expect(seen[0].index).toBe(0);
    else expect(seen[0].index).not.toBe(0);
  });

  it('runs a full new epoch after an early break', async () => {
    const { loader } = openLoader(mode, memDataset(40, TINY), { batchSize: 4, shuffle: true, seed: 5 }, { seed: 4, maxDelayMs: 5 });
    const first = await takeEpoch(loader, 2);
    expect(first.map((b) => b.indices)).toEqual(chunks(epochOrder(40, true, 5, 0), 4).slice(0, 2));
    const second = await takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull());
    expect(second.map((b) => b.epoch)).toEqual(Array(10).fill(1));
    expect(second.map((b) => b.indices)).toEqual(chunks(epochOrder(40, true, 5, 1), 4));
    expect(loader.epoch).toBe(2);
    // The jobs the break left in flight gave their slots back.
    await vi.waitFor(() => expect(loader.stats().ring.free).toBe(loader.slots));
    expect(loader.stats().epochs[1]).toEqual({ epoch: 1, samples: 40, delivered: 40, skipped: 0, abandoned: 0, end: 'complete' });
  });

  it('starts a new epoch while the previous one still waits for its first batch', async () => {
    const { loader } = openLoader(mode, memDataset(16, TINY), { batchSize: 2 }, { seed: 5, maxDelayMs: 30 });
    const old = loader[Symbol.asyncIterator]();
    const waiting = old.next(); // every slot goes out to a producer
    const fresh = loader[Symbol.asyncIterator]();
    await expect(bounded(waiting, 3000, 'the stopped epoch')).resolves.toEqual({ done: true, value: undefined });
    const first = await bounded(fresh.next(), 3000, 'batch 0 of the new epoch');
    expect(first.done).toBe(false);
    const seen = [summarize(first.value!)];
    for (let r = await fresh.next(); !r.done; r = await fresh.next()) seen.push(summarize(r.value));
    expect(seen.map((b) => b.epoch)).toEqual(Array(8).fill(1));
    expect(flat(seen)).toEqual(range(16));
  });

  it('starts a new epoch while the previous one still waits, when inOrder is false', async () => {
    const { loader } = openLoader(mode, memDataset(16, TINY), { batchSize: 2, inOrder: false }, { seed: 5, maxDelayMs: 30 });
    const old = loader[Symbol.asyncIterator]();
    void old.next();
    const fresh = loader[Symbol.asyncIterator]();
    const first = await bounded(fresh.next(), 3000, 'a batch of the new epoch');
    expect(first.done).toBe(false);
    expect(first.value!.epoch).toBe(1);
  });

  it('skips failing samples under onError skip, packs the rest, and accounts for every sample', async () => {
    const fail = { [memSrc(3)]: 'decode', [memSrc(8)]: 'decode', [memSrc(9)]: 'http', [memSrc(10)]: 'decode', [memSrc(11)]: 'decode' } as const;
    const { loader } = openLoader(mode, memDataset(20, RGB), { batchSize: 4, onError: 'skip' }, { seed: 6, maxDelayMs: 3, fail });
    const seen = await takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, RGB)).toBeNull());
    // Batch 2 (samples 8..11) lost every sample: it is not yielded at all.
    expect(seen.map((b) => [b.index, b.indices, b.skipped])).toEqual([
      [0, [0, 1, 2], [3]],
      [1, [4, 5, 6, 7], []],
      [3, [12, 13, 14, 15], []],
      [4, [16, 17, 18, 19], []],
    ]);
    const stats = loader.stats();
    expect(stats.skipped.map((s) => [s.index, s.source, s.reason, s.batch, s.epoch, s.attempts])).toEqual([
      [3, 'mem://3', 'decode', 0, 0, 1],
      [8, 'mem://8', 'decode', 2, 0, 1],
      [9, 'mem://9', 'http', 2, 0, 1],
      [10, 'mem://10', 'decode', 2, 0, 1],
      [11, 'mem://11', 'decode', 2, 0, 1],
    ]);
    expect(stats.skipped[2].error.message).toBe('fake http failure for mem://9');
    for (const s of stats.skipped) expect(mode.numWorkers === 0 ? s.worker === -1 : s.worker >= 0).toBe(true);
    expect(stats.skippedByReason).toEqual({ decode: 4, http: 1 });
    expect(stats.samplesSkipped).toBe(5);
    expect(stats.samplesDelivered).toBe(15);
    expect(stats.epochs).toEqual([{ epoch: 0, samples: 20, delivered: 15, skipped: 5, abandoned: 0, end: 'complete' }]);
  });

  it('raises a SampleError naming the sample, its source and where it failed', async () => {
    const fail = { [memSrc(6)]: 'decode' } as const;
    const { loader } = openLoader(mode, memDataset(12, TINY), { batchSize: 4 }, { seed: 7, maxDelayMs: 2, fail });
    const iterator = loader[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value!.indices).toEqual(Int32Array.from([0, 1, 2, 3]));
    const failing = iterator.next();
    await expect(failing).rejects.toBeInstanceOf(SampleError);
    await expect(failing).rejects.toThrow(/sample 6 \(mem:\/\/6\) of batch 1, epoch 0: decode: fake decode failure for mem:\/\/6$/);
    await expect(failing).rejects.toThrow(whereRe);
    await expect(failing).rejects.toMatchObject({ index: 6, source: 'mem://6', reason: 'decode', batch: 1, epoch: 0 });
    await expect(failing).rejects.toMatchObject({ cause: { name: 'SampleLoadError', message: 'fake decode failure for mem://6' } });
    if (mode.numWorkers === 0) await expect(failing).rejects.toMatchObject({ worker: -1 });
    else await expect(failing).rejects.toSatisfy((e: SampleError) => e.worker >= 0 && e.message.startsWith(`DataLoader worker ${e.worker} `));
    // The epoch is over; the loader itself still works.
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    await expect(takeEpoch(loader)).rejects.toThrow(/ sample 6 \(mem:\/\/6\) of batch 1, epoch 1/);
  });

  it('names an unexpected throw in a reader with its error class and where it happened', async () => {
    const { loader } = openLoader(mode, memDataset(8, TINY), { batchSize: 4 }, { crash: [memSrc(2)] });
    const where = mode.numWorkers === 0 ? 'the main thread' : 'DataLoader worker [0-9]';
    await expect(takeEpoch(loader)).rejects.toThrow(
      new RegExp(`^Caught TypeError in ${where} loading sample 2 \\(mem://2\\) of batch 0, epoch 0: decode: fake unexpected failure for mem://2$`),
    );
  });

  it('retries a flaky sample and delivers it on its second attempt', async () => {
    const { loader, readers } = openLoader(
      mode,
      memDataset(8, TINY),
      { batchSize: 4, onError: { retry: 2, then: 'skip' } },
      { seed: 8, maxDelayMs: 2, flaky: { [memSrc(5)]: 1 } },
    );
    const seen = await takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull());
    expect(flat(seen)).toEqual(range(8));
    expect(loader.stats().skipped).toEqual([]);
    if (mode.numWorkers === 0) expect(readers[0].attempts.get(memSrc(5))).toBe(2);
  });

  it('gives up after 1 + retry attempts, then skips or raises as told', async () => {
    const fail = { [memSrc(5)]: 'decode' } as const;
    const skipping = openLoader(mode, memDataset(8, TINY), { batchSize: 4, onError: { retry: 2, then: 'skip' } }, { fail }).loader;
    expect(flat(await takeEpoch(skipping))).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(skipping.stats().skipped.map((s) => [s.index, s.attempts])).toEqual([[5, 3]]);
    const raising = openLoader(mode, memDataset(8, TINY), { batchSize: 4, onError: { retry: 1, then: 'raise' } }, { fail }).loader;
    await expect(takeEpoch(raising)).rejects.toThrow(/ sample 5 \(mem:\/\/5\).*\(after 2 attempts\)$/);
  });

  it('fails a hung sample with reason timeout once timeoutMs has passed', async () => {
    const { loader } = openLoader(mode, memDataset(8, TINY), { batchSize: 4, timeoutMs: 100, onError: 'skip' }, { hang: [memSrc(2)] });
    const start = performance.now();
    const seen = await bounded(takeEpoch(loader), 5000, 'the epoch with a hung sample');
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
    expect(flat(seen)).toEqual([0, 1, 3, 4, 5, 6, 7]);
    const [skip] = loader.stats().skipped;
    expect([skip.index, skip.reason]).toEqual([2, 'timeout']);
    expect(skip.error.message).toBe('it took longer than timeoutMs (100 ms)');
    const raising = openLoader(mode, memDataset(8, TINY), { batchSize: 4, timeoutMs: 50 }, { hang: [memSrc(6)] }).loader;
    await expect(takeEpoch(raising)).rejects.toThrow(/ sample 6 \(mem:\/\/6\) of batch 1, epoch 0: timeout: it took longer than timeoutMs \(50 ms\)/);
  });

  it('refuses to iterate after close()', async () => {
    const { loader, workers } = openLoader(mode, memDataset(8, TINY), { batchSize: 4 });
    expect(flat(await takeEpoch(loader, 1))).toEqual([0, 1, 2, 3]);
    loader.close();
    loader.close(); // idempotent
    expect(loader.closed).toBe(true);
    expect(() => loader[Symbol.asyncIterator]()).toThrow(LoaderClosedError);
    await expect(takeEpoch(loader)).rejects.toThrow(/`DataLoader` is closed: create a new one to iterate again/);
    expect(workers.length).toBe(mode.numWorkers);
    await bounded(Promise.all(workers.map((w) => w.exited)), 3000, 'the worker threads to exit');
  });

  it('ends a next() that is waiting when close() is called', async () => {
    const { loader, readers, workers } = openLoader(mode, memDataset(8, TINY), { batchSize: 4 }, { hang: [memSrc(1)] });
    const dispatched: number[] = [];
    loader.onTrace((e) => e.phase === 'dispatch' && dispatched.push(e.batch));
    const iterator = loader[Symbol.asyncIterator]();
    const waiting = iterator.next();
    // Close once batch 0 is out to a producer (and, on the main thread, its hung read began).
    await vi.waitFor(() => expect(dispatched).toContain(0));
    if (mode.numWorkers === 0) await vi.waitFor(() => expect(readers[0].started).toContain(memSrc(1)));
    loader.close();
    await expect(bounded(waiting, 3000, 'next() after close()')).rejects.toThrow(LoaderClosedError);
    await expect(waiting).rejects.toThrow('`DataLoader` was closed while iterating');
    if (mode.numWorkers === 0) expect(readers[0].aborted).toContain(memSrc(1));
    await bounded(Promise.all(workers.map((w) => w.exited)), 3000, 'the worker threads to exit');
    expect(workers.every((w) => w.terminated)).toBe(true);
  });

  it('writes float32 pixels through ToTensor and Normalize', async () => {
    const image = { width: 3, height: 2, channels: 3 as const };
    const mean = [0.5, 0.4, 0.3];
    const std = [0.25, 0.2, 0.1];
    const { loader } = openLoader(mode, memDataset(6, image), { batchSize: 4, dtype: 'float32', normalize: { mean, std } }, { maxDelayMs: 2 });
    await takeEpoch(loader, Infinity, (batch) => {
      expect(batch.images).toBeInstanceOf(Float32Array);
      const want = batch.indices.reduce<number[]>((all, i) => {
        const bytes = expectedUint8(i, 3, 2, 3);
        return all.concat([...bytes].map((v, e) => Math.fround((v / 255 - mean[e % 3]) / std[e % 3])));
      }, []);
      expect([...batch.images]).toEqual(want);
    });
  });

  it('turns RGBA into 1-channel luma with the integer BT.601 weights', async () => {
    const gray = { width: 4, height: 3, channels: 1 as const };
    const { loader } = openLoader(mode, memDataset(9, gray), { batchSize: 3 }, { maxDelayMs: 2 });
    const seen = await takeEpoch(loader, Infinity, (b) => {
      expect(b.shape).toEqual([3, 3, 4, 1]);
      expect(wrongPixels(b, gray)).toBeNull();
    });
    expect(flat(seen)).toEqual(range(9));
  });

  it('traces each batch and sample on the page clock while someone listens', async () => {
    const { loader } = openLoader(mode, memDataset(12, TINY), { batchSize: 4 }, { seed: 11, maxDelayMs: 3 });
    const events: TraceEvent[] = [];
    const unsubscribe = loader.onTrace((e) => events.push(e));
    const before = performance.now();
    const seen = await takeEpoch(loader);
    const after = performance.now();
    const batches = events.filter((e) => e.phase === 'batch');
    expect(batches.map((e) => e.batch).sort()).toEqual([0, 1, 2]);
    for (const e of batches) expect(e.worker).toBe(seen[e.batch].worker);
    expect(events.filter((e) => e.phase === 'decode').map((e) => e.index).sort((a, b) => a! - b!)).toEqual(range(12));
    expect(events.filter((e) => e.phase === 'wait').every((e) => e.worker === -1)).toBe(true);
    // Worker threads have clocks of their own: every event must land inside this test's window.
    for (const e of events) {
      expect(e.start).toBeGreaterThanOrEqual(before - 1);
      expect(e.end).toBeLessThanOrEqual(after + 1);
      expect(e.end).toBeGreaterThanOrEqual(e.start);
    }
    unsubscribe();
    const count = events.length;
    await takeEpoch(loader);
    expect(events.length).toBe(count);
  });

  it('traces each dispatch as it happens: the batch, its slot and its producer, before the batch is loaded', async () => {
    const { loader } = openLoader(mode, memDataset(12, TINY), { batchSize: 4 }, { seed: 11, maxDelayMs: 3 });
    const events: TraceEvent[] = [];
    loader.onTrace((e) => events.push(e));
    const seen = await takeEpoch(loader);
    const dispatches = events.filter((e) => e.phase === 'dispatch');
    expect(dispatches.map((e) => [e.epoch, e.batch, e.slot])).toEqual([0, 1, 2].map((k) => [0, k, k % loader.slots]));
    for (const e of dispatches) {
      expect(e.worker).toBe(seen[e.batch].worker);
      expect(e.end).toBe(e.start);
      const loaded = events.findIndex((b) => b.phase === 'batch' && b.batch === e.batch);
      expect(events.indexOf(e)).toBeLessThan(loaded);
    }
  });

  it('shows one held batch in stats().ring while the consumer holds it, and every slot free after the epoch', async () => {
    const { loader } = openLoader(mode, memDataset(16, TINY), { batchSize: 4 }, { maxDelayMs: 2 });
    expect(loader.slots).toBe(Math.max(2, mode.numWorkers * 2));
    for await (const batch of loader) {
      const ring = loader.stats().ring;
      expect(ring.held).toBe(1);
      expect(ring.states.filter((state) => state === 'held')).toEqual(['held']);
      expect(ring.slots).toBe(loader.slots);
      expect(ring.free + ring.filling + ring.ready + ring.held + ring.failed).toBe(loader.slots);
      batch.release();
      expect(batch.released).toBe(true);
      expect(loader.stats().ring.held).toBe(0);
    }
    expect(loader.stats().ring).toMatchObject({ slots: loader.slots, free: loader.slots, filling: 0, ready: 0, failed: 0, held: 0 });
    expect(loader.stats().ring.states).toEqual(Array(loader.slots).fill('free'));
  });
});

// ---------------------------------------------------------------------------

describe('DataLoader with worker threads', () => {
  it('gives identical batches for numWorkers 0, 1 and 3, shared ring or transfer', async () => {
    const dataset = memDataset(37, RGB);
    const options = { batchSize: 5, shuffle: true, seed: 1234 };
    const reader = { seed: 9, maxDelayMs: 4 };
    const variants = [
      { numWorkers: 0, mode: 'shared' },
      { numWorkers: 1, mode: 'shared' },
      { numWorkers: 3, mode: 'shared' },
      { numWorkers: 2, mode: 'transfer' },
      { numWorkers: 0, mode: 'transfer' },
    ] as const;
    const results = await Promise.all(
      variants.map(async (variant) => {
        const { loader } = openLoader(variant, dataset, options, reader);
        expect(loader.mode).toBe(variant.mode);
        const check = (b: Parameters<typeof wrongPixels>[0]) => expect(wrongPixels(b, RGB)).toBeNull();
        const epochs = [await takeEpoch(loader, Infinity, check), await takeEpoch(loader, Infinity, check)];
        return epochs.flat().map(({ worker: _, ...rest }) => rest);
      }),
    );
    expect(results[0].length).toBe(16);
    expect(results[0].map((b) => b.indices)).toEqual([
      ...chunks(epochOrder(37, true, 1234, 0), 5),
      ...chunks(epochOrder(37, true, 1234, 1), 5),
    ]);
    for (const result of results.slice(1)) expect(result).toEqual(results[0]);
  });

  it('counts batches and samples per worker in stats()', async () => {
    const { loader, workers } = openLoader({ numWorkers: 3, mode: 'shared' }, memDataset(60, TINY), { batchSize: 4 }, { seed: 10, maxDelayMs: 3 });
    expect(workers.length).toBe(0); // workers start with the first epoch
    const seen = await takeEpoch(loader);
    expect(workers.length).toBe(3);
    expect(flat(seen)).toEqual(range(60));
    // At once: the epoch ends only after every report, even those the shared-ring fast path outran.
    const stats = loader.stats();
    expect(stats.workers.reduce((n, w) => n + w.batches, 0)).toBe(15);
    expect(stats.mode).toBe('shared');
    expect(stats.workers.map((w) => w.id)).toEqual([0, 1, 2]);
    for (const w of stats.workers) {
      expect(w.batches).toBe(seen.filter((b) => b.worker === w.id).length);
      expect(w.samples).toBe(4 * w.batches);
      expect(w.busyMs).toBeGreaterThan(0);
      expect(w.inFlight).toBe(0);
    }
    expect(stats.workers.every((w) => w.batches > 0)).toBe(true);
  });

  it('has every report in stats() when the epoch ends, even when the reports trail the ring', async () => {
    // Replies trail the ring by 30 ms: every batch is yielded on the shared-ring fast path before its report comes.
    const { loader } = openLoader({ numWorkers: 2, mode: 'shared' }, memDataset(24, TINY), { batchSize: 4 }, { maxDelayMs: 2 }, { replyDelayMs: 30 });
    expect(flat(await takeEpoch(loader))).toEqual(range(24));
    const { workers } = loader.stats();
    expect(workers.map((w) => [w.batches, w.samples, w.inFlight])).toEqual(workers.map((w) => [w.batches, 4 * w.batches, 0]));
    expect(workers.reduce((n, w) => n + w.batches, 0)).toBe(6);
  });

  it('gives up with a WorkerError that says so when a worker dies again at the same sample after maxWorkerRestarts restarts', async () => {
    const { loader, workers } = openLoader(
      { numWorkers: 2, mode: 'shared' },
      memDataset(16, TINY),
      { batchSize: 4, maxWorkerRestarts: 2 },
      { maxDelayMs: 2, uncaught: [memSrc(9)] },
    );
    const seen: number[] = [];
    const epoch = takeEpoch(loader, Infinity, (b) => seen.push(b.index));
    await expect(bounded(epoch, 5000, 'the epoch with a dying worker')).rejects.toThrow(WorkerError);
    await expect(epoch).rejects.toThrow(
      /^DataLoader worker [01]: died 3 times in a row while loading batch 2 of epoch 0, and `maxWorkerRestarts` is 2: the loader gives up\. Last death: fake uncaught error while reading mem:\/\/9$/,
    );
    expect(seen).toEqual([0, 1]); // batch 2 holds sample 9
    const restarts = loader.stats().restarts;
    expect(restarts.map((r) => [r.incarnation, r.cause])).toEqual([
      [1, 'fake uncaught error while reading mem://9'],
      [2, 'fake uncaught error while reading mem://9'],
      [null, 'fake uncaught error while reading mem://9'],
    ]);
    expect(new Set(restarts.map((r) => r.worker)).size).toBe(1);
    expect(workers.length).toBe(2 + 2); // the first two, and two replacements of the one that kept dying
    // A failed loader stays failed, and still closes cleanly.
    await expect(takeEpoch(loader)).rejects.toThrow(/the loader gives up/);
    loader.close();
    await bounded(Promise.all(workers.map((w) => w.exited)), 3000, 'every worker thread to exit');
  });

  it('gives up on a worker whose script fails to start, after restarting it maxWorkerRestarts times', async () => {
    const { loader, workers } = openLoader({ numWorkers: 1, mode: 'shared' }, memDataset(8, TINY), { batchSize: 4 }, { crashAtStartup: true });
    await expect(bounded(takeEpoch(loader), 5000, 'the epoch with a broken worker')).rejects.toThrow(
      'DataLoader worker 0: died 4 times in a row without finishing a batch, and `maxWorkerRestarts` is 3: the loader gives up. Last death: fake failure while the worker script starts',
    );
    expect(workers.length).toBe(4);
  });

  it('ends the last next() of an epoch when close() comes before the workers reply', async () => {
    // Replies trail the ring by 100 ms: batches arrive on the shared-ring fast
    // path, and the epoch's last next() waits for the reports, which close()
    // (terminating the workers) means will never come.
    const { loader } = openLoader({ numWorkers: 1, mode: 'shared' }, memDataset(4, TINY), { batchSize: 2 }, {}, { replyDelayMs: 100 });
    const iterator = loader[Symbol.asyncIterator]();
    const batches = [await iterator.next(), await iterator.next()].map((r) => r.value!.index);
    expect(batches).toEqual([0, 1]);
    const last = iterator.next();
    loader.close();
    await expect(bounded(last, 2000, 'the last next() after close()')).rejects.toThrow(LoaderClosedError);
  });

  it('leaves no worker thread running after close()', async () => {
    const { loader, workers } = openLoader({ numWorkers: 3, mode: 'shared' }, memDataset(30, TINY), { batchSize: 2 }, { maxDelayMs: 5 });
    await takeEpoch(loader, 3);
    loader.close();
    const codes = await bounded(Promise.all(workers.map((w) => w.exited)), 3000, 'the worker threads to exit');
    expect(codes.length).toBe(3);
    expect(workers.every((w) => w.terminated)).toBe(true);
  });
});
