/**
 * A seeded train/test split that keeps every class's share: each class puts
 * the same fraction of its samples into train, and the per-class counts are
 * rounded by largest remainder so the totals come out exact.
 *
 * Invariants (checked by tests/unit/datasets.test.ts):
 * - train and test are disjoint, cover 0..n-1, and are sorted ascending;
 * - train.length === trainTotal;
 * - class c has floor or ceil of count(c) * trainTotal / n samples in train;
 * - the result depends on (labels, trainTotal, seed) only.
 */
import { mixSeed, mulberry32 } from '../../src/loader/sampler.ts';

export interface Split {
  /** Sample indices, ascending. */
  train: number[];
  /** Sample indices, ascending; every index not in train. */
  test: number[];
}

/** How many samples of each class go to train: largest-remainder rounding, ties to the lower class. */
export function trainQuotas(classCounts: readonly number[], trainTotal: number): number[] {
  const n = classCounts.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(trainTotal) || trainTotal < 0 || trainTotal > n) {
    throw new RangeError(`\`stratifiedSplit\`: trainTotal must be an integer in 0..${n} (the sample count), got ${trainTotal}`);
  }
  // Integer arithmetic: count * trainTotal stays far below 2^53 for any real dataset.
  const quotas = classCounts.map((count) => Math.floor((count * trainTotal) / n));
  const remainders = classCounts.map((count, c) => ({ c, rem: (count * trainTotal) % n }));
  remainders.sort((a, b) => b.rem - a.rem || a.c - b.c);
  let missing = trainTotal - quotas.reduce((a, b) => a + b, 0);
  for (const { c } of remainders) {
    if (missing === 0) break;
    quotas[c]++;
    missing--;
  }
  return quotas;
}

/** Splits samples 0..labels.length-1 into train and test; see the invariants above. */
export function stratifiedSplit(labels: ArrayLike<number>, classCount: number, trainTotal: number, seed: number): Split {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new RangeError(`\`stratifiedSplit\`: label of sample ${i} is ${label}, outside 0..${classCount - 1}`);
    }
    byClass[label].push(i);
  }
  const quotas = trainQuotas(byClass.map((members) => members.length), trainTotal);
  const isTrain = new Uint8Array(labels.length);
  byClass.forEach((members, c) => {
    shuffleInPlace(members, mulberry32(mixSeed(seed, c)));
    for (const i of members.slice(0, quotas[c])) isTrain[i] = 1;
  });
  const split: Split = { train: [], test: [] };
  isTrain.forEach((flag, i) => (flag ? split.train : split.test).push(i));
  return split;
}

/** Fisher-Yates. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
