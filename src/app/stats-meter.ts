/**
 * Rates from successive `loader.stats()` snapshots: samples per second,
 * consumer wait share and each producer's busy share over a sliding window.
 */
import type { LoaderStats } from '../loader/index.ts';

export interface Rates {
  samplesPerSec: number;
  /** Share of wall time the consumer spent waiting for a batch, 0..1. */
  waitShare: number;
  /** Share of wall time each producer had a batch to work on, by worker id. */
  busyShare: Map<number, number>;
}

export const NO_RATES: Rates = { samplesPerSec: 0, waitShare: 0, busyShare: new Map() };

interface Sample {
  t: number;
  stats: LoaderStats;
}

export class StatsMeter {
  #history: Sample[] = [];

  constructor(readonly windowMs = 2000) {}

  /** Records a snapshot taken at time `t` (ms) and returns the rates over the window. */
  add(stats: LoaderStats, t: number): Rates {
    this.#history.push({ t, stats });
    while (this.#history.length > 2 && this.#history[1].t <= t - this.windowMs) this.#history.shift();
    const first = this.#history[0];
    const dt = t - first.t;
    if (dt <= 0) return NO_RATES;
    const busyBefore = new Map(first.stats.workers.map((w) => [w.id, w.busyMs]));
    const busyShare = new Map(
      stats.workers.map((w) => [w.id, clamp01((w.busyMs - (busyBefore.get(w.id) ?? 0)) / dt)]),
    );
    return {
      samplesPerSec: ((stats.samplesDelivered - first.stats.samplesDelivered) * 1000) / dt,
      waitShare: clamp01((stats.consumerWaitMs - first.stats.consumerWaitMs) / dt),
      busyShare,
    };
  }

  reset(): void {
    this.#history = [];
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
