/**
 * The windowed epoch order over shards (src/loader/shard-order.ts): every
 * sample once, a function of (seed, epoch) only, and each window drawn from
 * its own shards; and the window a byte budget allows.
 */
import { describe, expect, it } from 'vitest';
import { shardOrderPlan, shardWindow, windowedEpochOrder } from '../../src/loader/shard-order.ts';
import { below, prng } from './support/random.ts';

/** shardOf[i]: the shard holding dataset index i, for shards of these sizes. */
function shardOfIndex(counts: number[]): number[] {
  return counts.flatMap((count, s) => new Array<number>(count).fill(s));
}

describe('windowedEpochOrder', () => {
  const counts = [5, 9, 1, 7, 7, 3, 8];
  const total = counts.reduce((a, b) => a + b, 0);

  it('is a permutation of every sample, for random shard sizes and windows', () => {
    const random = prng(3);
    for (let round = 0; round < 40; round++) {
      const sizes = Array.from({ length: 1 + below(random, 12) }, () => below(random, 20));
      const n = sizes.reduce((a, b) => a + b, 0);
      const order = windowedEpochOrder(sizes, 1 + below(random, 5), round, round % 3);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('depends on (seed, epoch) only, and differs across epochs and seeds', () => {
    const order = windowedEpochOrder(counts, 2, 7, 0);
    expect(windowedEpochOrder(counts, 2, 7, 0)).toEqual(order);
    expect(windowedEpochOrder(counts, 2, 7, 1)).not.toEqual(order);
    expect(windowedEpochOrder(counts, 2, 8, 0)).not.toEqual(order);
    expect(order).toHaveLength(total);
  });

  it('draws each window from its own shards only, and mixes the shards inside it', () => {
    const owner = shardOfIndex(counts);
    for (const window of [1, 2, 3, 7]) {
      const order = windowedEpochOrder(counts, window, 11, 4);
      const shards: number[] = []; // shards in order of first appearance
      for (const i of order) if (!shards.includes(owner[i])) shards.push(owner[i]);
      expect([...shards].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
      let at = 0;
      for (let w = 0; w * window < shards.length; w++) {
        const mine = shards.slice(w * window, (w + 1) * window);
        const size = mine.reduce((sum, s) => sum + counts[s], 0);
        const drawn = [...order.subarray(at, at + size)].map((i) => owner[i]);
        expect(new Set(drawn), `window ${w} of ${window}`).toEqual(new Set(mine));
        at += size;
      }
    }
    // A window of one shard keeps that shard's samples together; a larger one interleaves them.
    const wide = [...windowedEpochOrder(counts, 7, 11, 4)].map((i) => owner[i]);
    const runs = wide.filter((s, k) => k > 0 && s !== wide[k - 1]).length;
    expect(runs).toBeGreaterThan(counts.length);
  });

  it('refuses a window that is not a positive integer', () => {
    expect(() => windowedEpochOrder(counts, 0, 1, 0)).toThrow('`windowedEpochOrder`: window must be a positive integer, got 0');
  });
});

describe('shardWindow and shardOrderPlan', () => {
  it('takes the most shards per window such that two windows of the largest fit the budget', () => {
    const bytes = [40, 10, 30, 20, 10, 10];
    expect(shardWindow(bytes, 69)).toBe(1); // 40 + 30 = 70 > 69: still one, the least there is
    expect(shardWindow(bytes, 70)).toBe(1);
    expect(shardWindow(bytes, 100)).toBe(2); // 40 + 30 + 20 + 10
    expect(shardWindow(bytes, 119)).toBe(2);
    expect(shardWindow(bytes, 120)).toBe(3); // all six
  });

  it('keeps the global permutation while every shard fits, and windows past that', () => {
    const bytes = [4, 4, 4, 4];
    expect(shardOrderPlan(bytes, 16)).toEqual({ kind: 'global' });
    expect(shardOrderPlan(bytes, 15)).toEqual({ kind: 'windowed', window: 1 });
    expect(shardOrderPlan([4, 4, 4, 4, 4, 4], 16)).toEqual({ kind: 'windowed', window: 2 });
  });
});
