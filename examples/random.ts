/**
 * torch.randn and torch.randint for the examples, seeded so every run makes
 * the same data: mulberry32, and Box-Muller for the normal distribution.
 */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One draw from N(0, 1), from two uniform draws in [0, 1). */
export function normal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) never happens
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** torch.randn(n) */
export function randn(n: number, seed: number): Float32Array {
  const random = generator(seed);
  return Float32Array.from({ length: n }, () => normal(random));
}

/** torch.randint(low, high, (n,)) */
export function randint(low: number, high: number, n: number, seed: number): Int32Array {
  const random = generator(seed);
  return Int32Array.from({ length: n }, () => low + Math.floor(random() * (high - low)));
}
