/** The benchmarks' summaries: every figure is the median of its repetitions. */

/** The middle value (the upper middle for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The repetition whose `key` is the median: its other figures stay those of one real run. */
export function medianBy<T>(xs: T[], key: (x: T) => number): T {
  return [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];
}
