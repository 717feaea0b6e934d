/**
 * numWorkers / prefetchFactor 'auto': the tuner's policy on synthetic
 * deliveries (exact decisions), and a DataLoader that tunes itself on real
 * worker threads while delivering the same batches as a fixed setting.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTOTUNE_RING_BYTES, Autotuner, MIN_WINDOW_MS, autotuneRange, autotuneSlots } from '../../src/loader/autotune.ts';
import { resolveOptions } from '../../src/loader/options.ts';
import { memDataset } from './support/fake-reader.ts';
import { openLoader, takeEpoch } from './support/loader-harness.ts';

const RANGE = { workers: { start: 2, max: 4 }, prefetch: { start: 2, max: 4 } };

/** Feeds `batches` deliveries spread over `ms`, each after waiting `wait` ms; the decisions made, as [workers, prefetch]. */
function feed(tuner: Autotuner, clock: { now: number }, batches: number, ms: number, wait: number): Array<[number, number]> {
  const made: Array<[number, number]> = [];
  for (let b = 0; b < batches; b++) {
    clock.now += ms / batches;
    if (tuner.delivered(wait, clock.now)) made.push([tuner.workers, tuner.prefetch]);
  }
  return made;
}

describe('autotune policy', () => {
  it("resolves 'auto' to a start and a maximum from the cores, at least 4 workers", () => {
    expect(autotuneRange('auto', 'auto', 8, 64)).toEqual({ workers: { start: 2, max: 8 }, prefetch: { start: 2, max: 4 } });
    expect(autotuneRange('auto', 3, 1, 64)).toEqual({ workers: { start: 2, max: 4 }, prefetch: { start: 3, max: 3 } });
    expect(autotuneRange('auto', 'auto', 2, 64)).toEqual({ workers: { start: 2, max: 4 }, prefetch: { start: 2, max: 4 } });
    expect(autotuneRange('auto', 'auto', 2, 3)).toEqual({ workers: { start: 2, max: 3 }, prefetch: { start: 2, max: 4 } });
    expect(autotuneRange('auto', 2, 128, 64)).toEqual({ workers: { start: 2, max: 64 }, prefetch: { start: 2, max: 2 } });
    expect(autotuneRange(2, 'auto', 16, 64)).toEqual({ workers: { start: 2, max: 2 }, prefetch: { start: 2, max: 4 } });
    expect(autotuneRange(2, 2, 16, 64)).toBeNull();
    // numWorkers 0 has no prefetch: prefetchFactor 'auto' leaves nothing to tune.
    expect(autotuneRange(0, 'auto', 16, 64)).toBeNull();
  });

  it('sizes the ring to its growth room within the memory budget, never below its start', () => {
    expect(autotuneSlots(RANGE, 1000)).toBe(16);
    expect(autotuneSlots(RANGE, AUTOTUNE_RING_BYTES / 6)).toBe(6);
    expect(autotuneSlots(RANGE, AUTOTUNE_RING_BYTES)).toBe(4);
  });

  it('adds a worker when the consumer waits, skips the start-up window, keeps it when batches/s rose, and settles once the wait is gone', () => {
    const tuner = new Autotuner(RANGE, 16);
    const clock = { now: 0 };
    tuner.delivered(0, clock.now); // the first batch starts the clock
    expect(feed(tuner, clock, 8, MIN_WINDOW_MS, 0)).toEqual([]); // the first window is skipped
    expect(feed(tuner, clock, 8, MIN_WINDOW_MS, 20)).toEqual([[3, 2]]); // waited 40%: +1 worker
    expect(feed(tuner, clock, 12, 420, 20)).toEqual([]); // the new worker's start-up window
    // 1.43x the batches/s of the window before the step, and no wait: kept, settled.
    expect(feed(tuner, clock, 12, 420, 0)).toEqual([]);
    const stats = tuner.stats();
    expect(stats).toMatchObject({ numWorkers: 3, prefetchFactor: 2, settledAfterMs: MIN_WINDOW_MS * 2 });
    expect(stats.decisions).toEqual([{ time: MIN_WINDOW_MS * 2, numWorkers: 3, prefetchFactor: 2, why: 'the consumer waited 40% of the time' }]);
  });

  it('undoes a worker that gave no more batches/s, then tries a deeper ring, and stops when that fails too', () => {
    const tuner = new Autotuner(RANGE, 16);
    const clock = { now: 0 };
    tuner.delivered(0, clock.now);
    feed(tuner, clock, 8, MIN_WINDOW_MS, 0);
    expect(feed(tuner, clock, 8, MIN_WINDOW_MS, 20)).toEqual([[3, 2]]);
    feed(tuner, clock, 8, MIN_WINDOW_MS, 20); // start-up window
    expect(feed(tuner, clock, 8, MIN_WINDOW_MS, 20)).toEqual([[2, 2]]); // the same 20 batches/s: undone
    expect(feed(tuner, clock, 8, MIN_WINDOW_MS, 20)).toEqual([[2, 3]]); // still waiting: one more batch in flight
    feed(tuner, clock, 8, MIN_WINDOW_MS, 20);
    expect(feed(tuner, clock, 8, MIN_WINDOW_MS, 20)).toEqual([[2, 2]]); // no gain: undone
    expect(feed(tuner, clock, 40, MIN_WINDOW_MS * 5, 20)).toEqual([]); // nothing left to try: settled, still input-bound
    expect(tuner.stats().decisions.map((d) => d.why)).toEqual([
      'the consumer waited 40% of the time',
      '+1 worker gave 1.00x batches/s: undone',
      'the consumer waited 40% of the time',
      '+1 batch in flight per worker gave 1.00x batches/s: undone',
    ]);
    expect(tuner.stats().settledAfterMs).not.toBeNull();
  });

  it('never grows past the cores or the ring it was given', () => {
    const tuner = new Autotuner({ workers: { start: 2, max: 3 }, prefetch: { start: 2, max: 4 } }, 6);
    const clock = { now: 0 };
    tuner.delivered(0, clock.now);
    feed(tuner, clock, 8, MIN_WINDOW_MS, 0);
    let rate = 8;
    for (let round = 0; round < 6; round++) {
      rate *= 2; // every step doubles batches/s: only the bounds stop growth
      feed(tuner, clock, rate, MIN_WINDOW_MS, 20 * (8 / rate));
    }
    expect([tuner.workers, tuner.prefetch]).toEqual([3, 2]);
    expect(tuner.slotLimit).toBeLessThanOrEqual(6);
  });
});

describe("a DataLoader with numWorkers 'auto'", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("refuses anything but 'auto' or an integer, naming the option", () => {
    expect(() => resolveOptions({ numWorkers: 'many' as never }, { width: 1, height: 1 })).toThrow(
      "`DataLoader` option `numWorkers` must be 'auto' or an integer from 0 (load on the main thread) to 64; got \"many\".",
    );
    expect(() => resolveOptions({ prefetchFactor: 'lots' as never }, { width: 1, height: 1 })).toThrow(
      '`DataLoader` option `prefetchFactor` must be an integer from 1 to 64; got "lots".',
    );
  });

  it('grows its workers for a fast consumer and delivers the batches of a fixed numWorkers, in order', async () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 4 });
    const dataset = memDataset(600, { width: 2, height: 2, channels: 1 });
    const options = { batchSize: 4, shuffle: true, seed: 3 };
    const reader = { seed: 2, maxDelayMs: 30 };
    const fixed = openLoader({ numWorkers: 2, mode: 'shared' }, dataset, options, reader).loader;
    const auto = openLoader({ numWorkers: 2, mode: 'shared' }, dataset, { ...options, numWorkers: 'auto' }, reader).loader;
    expect(auto.options.autotune).toEqual({ workers: { start: 2, max: 4 }, prefetch: { start: 2, max: 2 } });
    const want = await takeEpoch(fixed, Infinity);
    const got = await takeEpoch(auto, Infinity);
    expect(got.map((b) => [b.index, b.indices, b.labels])).toEqual(want.map((b) => [b.index, b.indices, b.labels]));
    const tuned = auto.stats().autotune!;
    expect(tuned.decisions.length).toBeGreaterThan(0);
    expect(tuned.decisions[0]).toMatchObject({ numWorkers: 3, prefetchFactor: 2 });
    expect(auto.stats().workers.length).toBeGreaterThanOrEqual(3);
  });

  it("loads every batch on the main thread for numWorkers 0 with prefetchFactor 'auto': nothing to tune, the default depth", async () => {
    const dataset = memDataset(40, { width: 2, height: 2, channels: 1 });
    const options = { batchSize: 4, shuffle: true, seed: 5 };
    const plain = openLoader({ numWorkers: 0, mode: 'shared' }, dataset, { ...options, numWorkers: 0 }).loader;
    const auto = openLoader({ numWorkers: 0, mode: 'shared' }, dataset, { ...options, numWorkers: 0, prefetchFactor: 'auto' }).loader;
    expect(auto.options).toMatchObject({ numWorkers: 0, prefetchFactor: 2, autotune: null });
    const want = await takeEpoch(plain, Infinity);
    const got = await takeEpoch(auto, Infinity);
    expect(got).toHaveLength(10);
    expect(got.map((b) => [b.index, b.indices, b.labels])).toEqual(want.map((b) => [b.index, b.indices, b.labels]));
    expect(auto.stats().autotune).toBeUndefined();
  });
});
