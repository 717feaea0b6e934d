/**
 * The epoch order for shards that do not all fit in memory at once
 * (MosaicML Streaming's py1s idea): shards are shuffled, then cut into
 * windows of `window` consecutive shards, and the samples of each window are
 * shuffled together. Every sample comes exactly once; only one window's
 * shards (two at its edge, while the next one loads) need to be resident.
 * While all shards fit, the loader keeps sampler.ts's exact global
 * permutation instead: shardOrderPlan says which is in force.
 *
 *   shards 0 1 2 3 4 5 6   --shuffle(seed, epoch)-->   4 1 | 6 0 | 3 5 | 2
 *   window 0: samples of shards 4 and 1, shuffled (seed, epoch, window 0)
 *   window 1: samples of shards 6 and 0, shuffled (seed, epoch, window 1) ...
 *
 * Pure and deterministic: the order of epoch e depends on (seed, e, the
 * shards' sample counts, window) only, so a resume needs (epoch, samples
 * consumed), as with the global permutation.
 */
import { mixSeed, mulberry32 } from './sampler.ts';

/** Tags the PRNG streams, so the shard shuffle and a window's shuffle never share one. */
const SHARD_STREAM = 0x53484152; // 'SHAR'
const WINDOW_STREAM = 0x57494e44; // 'WIND'

/** Fisher-Yates in place, from `random`. */
function shuffle(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

/**
 * Dataset indices in windowed order. Shard s holds `sampleCounts[s]`
 * samples; the dataset numbers them shard after shard (shard 0's first).
 */
export function windowedEpochOrder(sampleCounts: readonly number[], window: number, seed: number, epoch: number): Int32Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`\`windowedEpochOrder\`: window must be a positive integer, got ${window}`);
  const starts = new Int32Array(sampleCounts.length);
  let total = 0;
  sampleCounts.forEach((count, s) => {
    starts[s] = total;
    total += count;
  });
  const shards = Int32Array.from(sampleCounts.keys());
  shuffle(shards, mulberry32(mixSeed(seed, epoch, SHARD_STREAM)));
  const order = new Int32Array(total);
  let at = 0;
  for (let w = 0; w * window < shards.length; w++) {
    const from = at;
    for (const s of shards.subarray(w * window, (w + 1) * window)) {
      for (let k = 0; k < sampleCounts[s]; k++) order[at++] = starts[s] + k;
    }
    shuffle(order.subarray(from, at), mulberry32(mixSeed(seed, epoch, WINDOW_STREAM, w)));
  }
  return order;
}

/**
 * Shards per window for a byte budget: the most shards such that two windows
 * of the largest shards fit in `budgetBytes` (the window being read and the
 * next, loading), whatever order the shuffle picks. At least 1.
 */
export function shardWindow(shardBytes: readonly number[], budgetBytes: number): number {
  const largest = [...shardBytes].sort((a, b) => b - a);
  let sum = 0;
  let window = 0;
  while (2 * window + 2 <= largest.length) {
    sum += largest[2 * window] + largest[2 * window + 1];
    if (sum > budgetBytes) break;
    window++;
  }
  return Math.max(1, window);
}

export type ShardOrderPlan =
  /** Every shard fits: the exact global permutation (sampler.ts epochOrder). */
  | { kind: 'global' }
  /** They do not: windowedEpochOrder with this window. */
  | { kind: 'windowed'; window: number };

/** Which order a shuffled epoch over these shards takes under `budgetBytes`. */
export function shardOrderPlan(shardBytes: readonly number[], budgetBytes: number): ShardOrderPlan {
  const total = shardBytes.reduce((a, b) => a + b, 0);
  return total <= budgetBytes ? { kind: 'global' } : { kind: 'windowed', window: shardWindow(shardBytes, budgetBytes) };
}
