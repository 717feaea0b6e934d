/**
 * Which samples go in which batch. Runs on the main thread only, so the order
 * of an epoch depends on (seed, epoch) and nothing else: not on how many
 * workers there are, nor on which finishes first.
 */

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed from several integers, e.g. (seed, epoch) or (seed, epoch, index). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) h = fmix32((h ^ fmix32(part >>> 0)) + 0x6a09e667);
  return h;
}

/**
 * mulberry32: a small, fast PRNG with a 32-bit state. Good enough to shuffle;
 * not for cryptography. Returns floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 0..n-1, shuffled by Fisher-Yates from (seed, epoch); identity when !shuffle. */
export function epochOrder(n: number, shuffle: boolean, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!shuffle) return order;
  const random = mulberry32(mixSeed(seed, epoch));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** PyTorch's len(loader): floor(n / b) with dropLast, else ceil(n / b). */
export function batchCount(n: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** Cuts an epoch's order into batches; the last one is short unless dropped. */
export function batchIndices(order: Int32Array, batchSize: number, dropLast: boolean): Int32Array[] {
  const count = batchCount(order.length, batchSize, dropLast);
  return Array.from({ length: count }, (_, k) => order.subarray(k * batchSize, Math.min((k + 1) * batchSize, order.length)));
}
