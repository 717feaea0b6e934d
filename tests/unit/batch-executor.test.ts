/**
 * BatchExecutor (src/loader/batch-executor.ts): one job into one slot, the
 * producer side that workers and the main thread share. Checked against the
 * invariants at the top of that file.
 */
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { BatchExecutor } from '../../src/loader/worker/batch-executor.ts';
import type { PixelReader } from '../../src/loader/worker/decode.ts';
import { resolveOptions, type DataLoaderOptions } from '../../src/loader/options.ts';
import type { BatchJob } from '../../src/loader/protocol.ts';
import { S_BATCH, S_COUNT, S_EPOCH, S_SKIPPED, SharedRing, SlotState, SlotView, slotLayout } from '../../src/loader/ring.ts';
import { FakeReader, expectedUint8, memSrc, type FakeReaderConfig } from './support/fake-reader.ts';

const IMAGE = { width: 3, height: 2, channels: 3 as const };
const ELEMENTS = 3 * 2 * 3;
const WORKER = 7;

function setup(options: DataLoaderOptions, reader: FakeReaderConfig = {}, image: { width: number; height: number; channels: 1 | 3 | 4 } = IMAGE) {
  const resolved = resolveOptions({ batchSize: 4, ...options }, image);
  const layout = slotLayout({ batchSize: resolved.batchSize, sampleElements: image.width * image.height * image.channels, dtype: resolved.dtype });
  const view = new SlotView(new ArrayBuffer(layout.slotBytes), 0, layout);
  const fake = new FakeReader(resolved.image, reader);
  const executor = new BatchExecutor(WORKER, resolved, fake);
  return { executor, view, fake, resolved };
}

const job = (indices: number[], batch = 3, epoch = 2, slot = 1): BatchJob => ({
  epoch,
  batch,
  slot,
  samples: indices.map((index) => ({ index, label: index % 5, source: memSrc(index) })),
});

/** The slot's first `count` samples, as [index, label, pixels matching the formula]. */
function packed(view: SlotView, count: number, image: { width: number; height: number; channels: 1 | 3 | 4 } = IMAGE) {
  const e = image.width * image.height * image.channels;
  return Array.from({ length: count }, (_, j) => {
    const index = view.indices[j];
    const want = expectedUint8(index, image.width, image.height, image.channels);
    const got = view.pixels.subarray(j * e, (j + 1) * e);
    return [index, view.labels[j], got.every((v, x) => v === want[x])];
  });
}

describe('BatchExecutor.run', () => {
  it('packs samples in batch order whatever order their reads finish in, then publishes READY once', async () => {
    // Position 0 finishes last, position 1 next to last.
    const { executor, view } = setup({}, { slow: { [memSrc(10)]: 40, [memSrc(11)]: 20 } });
    view.markFilling();
    const publish = vi.spyOn(view, 'publish');
    const report = await executor.run(job([10, 11, 12, 13]), view);
    expect(publish).toHaveBeenCalledTimes(1);
    expect(view.state).toBe(SlotState.READY);
    expect([view.header[S_EPOCH], view.header[S_BATCH], view.header[S_COUNT], view.header[S_SKIPPED]]).toEqual([2, 3, 4, 0]);
    expect(packed(view, 4)).toEqual([
      [10, 0, true],
      [11, 1, true],
      [12, 2, true],
      [13, 3, true],
    ]);
    expect(report).toMatchObject({ worker: WORKER, epoch: 2, batch: 3, slot: 1, count: 4, skipped: [], error: null, trace: null });
    expect(report.end).toBeGreaterThanOrEqual(report.start + 39);
  });

  it('keeps the slot FILLING while any sample is still being read', async () => {
    const { view, resolved } = setup({});
    const fake = new FakeReader(resolved.image, { seed: 1, maxDelayMs: 5 });
    const seen: number[] = [];
    const watching: PixelReader = {
      read: async (source, signal) => {
        seen.push(view.state);
        const rgba = await fake.read(source, signal);
        seen.push(view.state);
        return rgba;
      },
    };
    view.markFilling();
    await new BatchExecutor(0, resolved, watching).run(job([1, 2, 3, 4]), view);
    expect(seen).toEqual(Array(8).fill(SlotState.FILLING));
    expect(view.state).toBe(SlotState.READY);
  });

  it('under skip, packs the samples that loaded and reports the others in batch order', async () => {
    const fail = { [memSrc(20)]: 'http', [memSrc(22)]: 'decode' } as const;
    const { executor, view } = setup({ onError: 'skip' }, { fail, slow: { [memSrc(20)]: 15 } });
    view.markFilling();
    const report = await executor.run(job([20, 21, 22, 23]), view);
    expect(view.state).toBe(SlotState.READY);
    expect([view.header[S_COUNT], view.header[S_SKIPPED]]).toEqual([2, 2]);
    expect(packed(view, 2)).toEqual([
      [21, 1, true],
      [23, 3, true],
    ]);
    expect(report.count).toBe(2);
    expect(report.error).toBeNull();
    expect(report.skipped).toEqual([
      {
        index: 20,
        source: 'mem://20',
        reason: 'http',
        worker: WORKER,
        epoch: 2,
        batch: 3,
        attempts: 1,
        error: expect.objectContaining({ name: 'SampleLoadError', message: 'fake http failure for mem://20' }),
      },
      expect.objectContaining({ index: 22, reason: 'decode' }),
    ]);
  });

  it('under skip, publishes an empty READY batch when every sample fails', async () => {
    const fail = Object.fromEntries([0, 1, 2].map((i) => [memSrc(i), 'decode' as const]));
    const { executor, view } = setup({ onError: 'skip' }, { fail });
    view.markFilling();
    const report = await executor.run(job([0, 1, 2]), view);
    expect(view.state).toBe(SlotState.READY);
    expect([view.header[S_COUNT], view.header[S_SKIPPED]]).toEqual([0, 3]);
    expect(report.skipped.map((s) => s.index)).toEqual([0, 1, 2]);
  });

  it('under raise, publishes FAILED with the failure lowest in the batch, not the first to fail', async () => {
    const fail = { [memSrc(31)]: 'decode', [memSrc(33)]: 'network' } as const;
    const { executor, view } = setup({}, { fail, slow: { [memSrc(31)]: 30 } });
    view.markFilling();
    const report = await executor.run(job([30, 31, 32, 33]), view);
    expect(view.state).toBe(SlotState.FAILED);
    expect([view.header[S_COUNT], view.header[S_SKIPPED]]).toEqual([0, 0]);
    expect(report.count).toBe(0);
    expect(report.skipped).toEqual([]);
    expect(report.error).toMatchObject({ index: 31, source: 'mem://31', reason: 'decode', worker: WORKER, batch: 3, epoch: 2 });
  });

  it('retries a decode failure at once and a network failure after 50 then 100 ms of backoff', async () => {
    /** ms between the end of each attempt at `src` and the start of the next. */
    const gaps = (fake: FakeReader, src: string) => {
      const reads = fake.timeline.filter((t) => t.src === src).sort((a, b) => a.attempt - b.attempt);
      return reads.slice(1).map((t, k) => t.start - reads[k].end);
    };
    // The fake reader's reads take no timer (maxDelayMs 0: setImmediate), so the
    // timers set during a run are the executor's backoff, and say its schedule.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const backoffs = () => timers.mock.calls.map(([, ms]) => ms);
    onTestFinished(() => timers.mockRestore());

    const decode = setup({ onError: { retry: 1, then: 'raise' } }, { flaky: { [memSrc(1)]: 1 } });
    decode.view.markFilling();
    expect((await decode.executor.run(job([0, 1]), decode.view)).count).toBe(2);
    expect(decode.fake.attempts.get(memSrc(1))).toBe(2);
    expect(backoffs()).toEqual([]); // at once

    timers.mockClear();
    const network = setup({ onError: { retry: 2, then: 'raise' } }, { flaky: { [memSrc(1)]: 2 }, flakyReason: 'network' });
    network.view.markFilling();
    expect((await network.executor.run(job([0, 1]), network.view)).count).toBe(2);
    expect(network.fake.attempts.get(memSrc(1))).toBe(3);
    expect(backoffs()).toEqual([50, 100]);
    // And the reads really waited that long (a lower bound: a busy machine only makes gaps longer).
    const [first, second] = gaps(network.fake, memSrc(1));
    expect(first).toBeGreaterThanOrEqual(48);
    expect(second).toBeGreaterThanOrEqual(98);
    expect(packed(network.view, 2)).toEqual([
      [0, 0, true],
      [1, 1, true],
    ]);
  });

  it('gives up after 1 + retry attempts and records how many there were', async () => {
    const { executor, view, fake } = setup({ onError: { retry: 3, then: 'skip' } }, { fail: { [memSrc(4)]: 'source' } });
    view.markFilling();
    const report = await executor.run(job([4, 5]), view);
    expect(fake.attempts.get(memSrc(4))).toBe(4);
    expect(report.skipped).toEqual([expect.objectContaining({ index: 4, reason: 'source', attempts: 4 })]);
  });

  it('fails a sample that outlives timeoutMs with reason timeout and aborts its read', async () => {
    const { executor, view, fake } = setup({ onError: 'skip', timeoutMs: 60 }, { hang: [memSrc(8)] });
    view.markFilling();
    const start = performance.now();
    const report = await executor.run(job([7, 8, 9]), view);
    expect(performance.now() - start).toBeGreaterThanOrEqual(58);
    expect(report.skipped).toEqual([
      expect.objectContaining({
        index: 8,
        reason: 'timeout',
        error: expect.objectContaining({ name: 'SampleLoadError', message: 'it took longer than timeoutMs (60 ms)' }),
      }),
    ]);
    expect(fake.aborted).toEqual([memSrc(8)]);
    expect(packed(view, 2).map(([index]) => index)).toEqual([7, 9]);
  });

  it('fails a sample whose reader returns the wrong number of bytes as a decode failure', async () => {
    const { executor, view } = setup({ onError: 'skip' }, { short: [memSrc(2)] });
    view.markFilling();
    const report = await executor.run(job([1, 2]), view);
    expect(report.skipped).toEqual([
      expect.objectContaining({ index: 2, reason: 'decode', error: expect.objectContaining({ message: 'expected 24 RGBA bytes, got 20' }) }),
    ]);
  });

  it('classifies an unexpected throw as decode and keeps its class name', async () => {
    const { executor, view } = setup({ onError: 'skip' }, { crash: [memSrc(0)] });
    view.markFilling();
    const report = await executor.run(job([0]), view);
    expect(report.skipped[0]).toMatchObject({ reason: 'decode', error: { name: 'TypeError', message: 'fake unexpected failure for mem://0' } });
  });

  it('cancelAll fails the samples in flight with reason source, and later jobs run normally', async () => {
    const { executor, view, fake, resolved } = setup({ onError: 'skip' }, { hang: [memSrc(0), memSrc(2)] });
    view.markFilling();
    const running = executor.run(job([0, 1, 2]), view);
    // Cancel once sample 1 has loaded and the reads of 0 and 2 hang.
    await vi.waitFor(() => {
      expect(fake.started).toEqual([0, 1, 2].map(memSrc));
      expect(fake.timeline.map((t) => t.src)).toEqual([memSrc(1)]);
    });
    executor.cancelAll(new Error('the DataLoader was closed'));
    const report = await running;
    expect(report.skipped).toEqual([
      expect.objectContaining({ index: 0, reason: 'source', error: expect.objectContaining({ message: 'the DataLoader was closed' }) }),
      expect.objectContaining({ index: 2, reason: 'source' }),
    ]);
    expect(fake.aborted.sort()).toEqual([memSrc(0), memSrc(2)]);
    const layout = slotLayout({ batchSize: resolved.batchSize, sampleElements: ELEMENTS, dtype: 'uint8' });
    const next = new SlotView(new ArrayBuffer(layout.slotBytes), 0, layout);
    next.markFilling();
    expect((await executor.run(job([5, 6]), next)).count).toBe(2);
  });

  it('cancelEpoch aborts that epoch only, even a job that arrives after the cancel', async () => {
    const { executor, fake, resolved } = setup({ onError: 'skip' }, { hang: [memSrc(1)] });
    const layout = slotLayout({ batchSize: resolved.batchSize, sampleElements: ELEMENTS, dtype: 'uint8' });
    const views = [0, 1, 2].map(() => new SlotView(new ArrayBuffer(layout.slotBytes), 0, layout));
    views.forEach((v) => v.markFilling());
    const stopped = executor.run(job([0, 1], 0, 4), views[0]);
    const other = executor.run(job([2, 3], 0, 5), views[1]);
    // Cancel once sample 0 has loaded and the read of sample 1 hangs.
    await vi.waitFor(() => {
      expect(fake.started).toContain(memSrc(1));
      expect(fake.timeline.map((t) => t.src)).toContain(memSrc(0));
    });
    executor.cancelEpoch(4, new Error('epoch 4 was stopped'));
    const report = await stopped;
    expect(report.count).toBe(1); // sample 0 had loaded
    expect(report.skipped.map((s) => [s.index, s.reason, s.error.message])).toEqual([[1, 'source', 'epoch 4 was stopped']]);
    expect(fake.aborted).toEqual([memSrc(1)]);
    expect((await other).count).toBe(2); // epoch 5 goes on
    // A job of epoch 4 that crossed the cancel on its way in fails at once, unread.
    const late = await executor.run(job([6, 7], 1, 4), views[2]);
    expect([late.count, late.skipped.map((s) => s.index)]).toEqual([0, [6, 7]]);
    expect(fake.started).not.toContain(memSrc(6));
  });

  it('keeps at most decodeConcurrency reads in flight, starting batch k before batch k + 1', async () => {
    const { resolved } = setup({ batchSize: 6, decodeConcurrency: 3 });
    const fake = new FakeReader(resolved.image, { seed: 4, maxDelayMs: 6 });
    const executor = new BatchExecutor(0, resolved, fake);
    const ring = SharedRing.create(2, { batchSize: 6, sampleElements: ELEMENTS, dtype: 'uint8' });
    ring.slots.forEach((s) => s.markFilling());
    const reports = await Promise.all([
      executor.run(job([0, 1, 2, 3, 4, 5], 0), ring.slots[0]),
      executor.run(job([6, 7, 8, 9, 10, 11], 1), ring.slots[1]),
    ]);
    expect(fake.maxActive).toBe(3);
    expect(fake.started).toEqual(Array.from({ length: 12 }, (_, i) => memSrc(i)));
    expect(reports.map((r) => r.count)).toEqual([6, 6]);
    expect(packed(ring.slots[1], 6).map(([index, , ok]) => [index, ok])).toEqual([6, 7, 8, 9, 10, 11].map((i) => [i, true]));
  });

  it('writes float32 through the normalize table', async () => {
    const mean = [0.5, 0.25, 0];
    const std = [0.5, 0.25, 1];
    const { executor, view } = setup({ dtype: 'float32', normalize: { mean, std } });
    view.markFilling();
    await executor.run(job([3, 4]), view);
    expect(view.pixels).toBeInstanceOf(Float32Array);
    const want = [3, 4].flatMap((i) => [...expectedUint8(i, 3, 2, 3)].map((v, e) => Math.fround((v / 255 - mean[e % 3]) / std[e % 3])));
    expect([...view.pixels.subarray(0, 2 * ELEMENTS)]).toEqual(want);
  });

  it.each([1, 4] as const)('writes %i channel(s) per pixel', async (channels) => {
    const image = { width: 2, height: 3, channels };
    const { executor, view } = setup({}, {}, image);
    view.markFilling();
    await executor.run(job([9, 10]), view);
    expect(packed(view, 2, image)).toEqual([
      [9, 4, true],
      [10, 0, true],
    ]);
  });

  it('records per-sample phases and the batch while tracing, on the absolute clock', async () => {
    const { executor, view } = setup({}, { seed: 2, maxDelayMs: 3 });
    executor.tracing = true;
    view.markFilling();
    const report = await executor.run(job([0, 1]), view);
    const decodes = report.trace!.filter((e) => e.phase === 'decode');
    expect(decodes.map((e) => e.index).sort()).toEqual([0, 1]);
    expect(report.trace!.at(-1)).toEqual({ worker: WORKER, epoch: 2, batch: 3, phase: 'batch', start: report.start, end: report.end });
    for (const e of decodes) {
      expect(e).toMatchObject({ worker: WORKER, epoch: 2, batch: 3 });
      expect(e.start).toBeGreaterThanOrEqual(report.start);
      expect(e.end).toBeLessThanOrEqual(report.end);
    }
  });

  it('records no trace while tracing is off', async () => {
    const { executor, view } = setup({});
    view.markFilling();
    expect((await executor.run(job([0]), view)).trace).toBeNull();
  });
});
