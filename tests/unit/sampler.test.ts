/** The sampler (src/loader/sampler.ts): epoch order and PyTorch's batch rules. */
import { describe, expect, it } from 'vitest';
import { batchCount, batchIndices, epochOrder, mixSeed, mulberry32 } from '../../src/loader/sampler.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);

describe('epochOrder', () => {
  it.each([0, 1, 2, 7, 100, 1000])('shuffles %i samples into a permutation of 0..n-1', (n) => {
    for (const [seed, epoch] of [[0, 0], [42, 3], [-7, 1], [2 ** 31 - 1, 9]]) {
      const order = epochOrder(n, true, seed, epoch);
      expect(order).toBeInstanceOf(Int32Array);
      expect(sorted(order)).toEqual(range(n));
    }
  });

  it('is the identity without shuffle, whatever the seed and epoch', () => {
    expect(Array.from(epochOrder(10, false, 123, 4))).toEqual(range(10));
    expect(Array.from(epochOrder(10, false, 0, 0))).toEqual(range(10));
  });

  it('gives the same order for the same (seed, epoch), in any call order', () => {
    const a = Array.from(epochOrder(50, true, 7, 2));
    epochOrder(50, true, 7, 3);
    epochOrder(50, true, 8, 2);
    expect(Array.from(epochOrder(50, true, 7, 2))).toEqual(a);
  });

  it('gives a different order to each of 20 epochs and each of 20 seeds', () => {
    const byEpoch = new Set(range(20).map((e) => epochOrder(100, true, 7, e).join(',')));
    const bySeed = new Set(range(20).map((s) => epochOrder(100, true, s, 0).join(',')));
    expect(byEpoch.size).toBe(20);
    expect(bySeed.size).toBe(20);
    expect(byEpoch.has(range(100).join(','))).toBe(false);
  });

  it('draws each of the 24 orders of 4 samples about equally often over 24000 epochs', () => {
    const counts = new Map<string, number>();
    for (let e = 0; e < 24_000; e++) {
      const key = epochOrder(4, true, 99, e).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    // 1000 expected each; a biased Fisher-Yates (j in [0, i) or [0, n)) is off by far more.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1150);
    }
  });
});

describe('mixSeed and mulberry32', () => {
  it('mixes parts in order: (1, 2), (2, 1), (1, 2, 0) and (1) all differ', () => {
    const values = [mixSeed(1, 2), mixSeed(2, 1), mixSeed(1, 2, 0), mixSeed(1)];
    expect(new Set(values).size).toBe(4);
    for (const v of values) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });

  it('repeats a sequence of floats in [0, 1) for a seed', () => {
    const a = mulberry32(5);
    const b = mulberry32(5);
    const xs = range(1000).map(() => a());
    expect(range(1000).map(() => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(1000);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('batchCount (len(loader))', () => {
  it.each([
    // n, batchSize, dropLast, batches
    [50, 8, false, 7],
    [50, 8, true, 6],
    [48, 8, false, 6],
    [48, 8, true, 6],
    [7, 8, false, 1],
    [7, 8, true, 0],
    [0, 8, false, 0],
    [1, 1, true, 1],
    [60000, 64, false, 938],
    [60000, 64, true, 937],
  ])('counts %i samples in batches of %i (dropLast %s) as %i batches', (n, b, dropLast, count) => {
    expect(batchCount(n, b, dropLast)).toBe(count);
  });
});

describe('batchIndices', () => {
  it('cuts 50 samples by 8 into 7 batches, the last of 2', () => {
    const batches = batchIndices(epochOrder(50, false, 0, 0), 8, false);
    expect(batches.map((b) => b.length)).toEqual([8, 8, 8, 8, 8, 8, 2]);
    expect(Array.from(batches[6])).toEqual([48, 49]);
    expect(batches.flatMap((b) => Array.from(b))).toEqual(range(50));
  });

  it('drops the short last batch with dropLast: 6 batches, samples 48 and 49 never asked for', () => {
    const batches = batchIndices(epochOrder(50, false, 0, 0), 8, true);
    expect(batches.map((b) => b.length)).toEqual([8, 8, 8, 8, 8, 8]);
    expect(batches.flatMap((b) => Array.from(b))).toEqual(range(48));
  });

  it('cuts 48 samples by 8 into the same 6 batches with and without dropLast', () => {
    const order = epochOrder(48, true, 3, 1);
    const keep = batchIndices(order, 8, false).map((b) => Array.from(b));
    const drop = batchIndices(order, 8, true).map((b) => Array.from(b));
    expect(keep).toEqual(drop);
    expect(keep.length).toBe(6);
  });

  it('keeps the shuffled order: the batches joined are the epoch order', () => {
    const order = epochOrder(37, true, 11, 5);
    const batches = batchIndices(order, 5, false);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 5, 5, 5, 2]);
    expect(batches.flatMap((b) => Array.from(b))).toEqual(Array.from(order));
  });
});
