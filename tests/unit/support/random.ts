/**
 * Test-side randomness, independent of the library's own PRNG so a bug there
 * cannot hide itself: splitmix32 for sequences, a murmur-style hash for
 * content that any thread can recompute from a few integers.
 */

/** splitmix32: floats in [0, 1), fully determined by `seed`. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) from a generator. */
export const below = (random: () => number, n: number): number => Math.floor(random() * n);

/**
 * A 32-bit hash of a few integers: the same on every thread and every run.
 * FNV's constants seed a murmur-style mix: not FNV-1a (src/loader/fnv1a.ts).
 */
export function hash32(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}
