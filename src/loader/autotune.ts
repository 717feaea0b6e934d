/**
 * `numWorkers: 'auto'` and `prefetchFactor: 'auto'`: the loader tunes its own
 * parallelism while it runs, as tf.data's AUTOTUNE does, from what it
 * measures: how long the consumer waits for batches, and how many batches
 * per second reach it.
 *
 * NOTE: the policy (hill climbing, one step at a time)
 *
 *   window: at least MIN_WINDOW_MS and one ring's worth of delivered batches
 *     │ the consumer waited > WAIT_SHARE of the window (input-bound)
 *     ├──> grow: one more worker, or when workers are exhausted one more
 *     │    batch in flight per worker; the next window is skipped (a new
 *     │    worker starts up), the one after is the trial
 *     │ trial: batches/s rose by less than MIN_GAIN ──> undo the step, and
 *     │        stop growing that setting (the bottleneck is elsewhere:
 *     │        the network, the main thread, the cores)
 *     └ the consumer waits <= WAIT_SHARE, or nothing can grow ──> settled
 *
 * Growth is bounded by `max` (the cores, at least 4, for workers) and by the ring the
 * loader allocated up front (`maxSlots`, sized to a memory budget). A worker
 * taken out of use finishes its batches and stays idle; the batches are the
 * same whatever the tuner does (a sample's pixels and augmentation depend on
 * (seed, epoch, index) only, and inOrder delivery keeps the order).
 */

/** What 'auto' may use: where each setting starts and how far it may grow (start == max: fixed). */
export interface AutotuneRange {
  workers: { start: number; max: number };
  prefetch: { start: number; max: number };
}

export interface AutotuneDecision {
  /** performance.now() when it was made. */
  time: number;
  numWorkers: number;
  prefetchFactor: number;
  /** Why, in words: "waited 31% of the time" or "+1 worker gave 1.01x batches/s: undone". */
  why: string;
}

export interface AutotuneStats {
  /** Workers and batches per worker in use now. */
  numWorkers: number;
  prefetchFactor: number;
  decisions: AutotuneDecision[];
  /** ms from the first batch to the last decision of a settled tuner; null while it still tries. */
  settledAfterMs: number | null;
}

/** The consumer waiting more than this share of the time is input-bound (PyTorch's profiler warns past 5%). */
export const WAIT_SHARE = 0.05;
/** A step must raise batches/s by this factor to be kept. */
export const MIN_GAIN = 1.05;
export const MIN_WINDOW_MS = 400;
/** Batches in flight per worker that 'auto' may grow to. */
export const AUTO_PREFETCH_MAX = 4;
/** Ring memory 'auto' may allocate for growth (it never allocates less than its starting ring). */
export const AUTOTUNE_RING_BYTES = 256 * 1024 * 1024;

/** Ring slots for 'auto': room to grow to the range's maximum within AUTOTUNE_RING_BYTES, never fewer than it starts with. */
export function autotuneSlots(range: AutotuneRange, slotBytes: number): number {
  const most = Math.max(2, range.workers.max * range.prefetch.max);
  const start = Math.max(2, range.workers.start * range.prefetch.start);
  return Math.min(most, Math.max(start, Math.floor(AUTOTUNE_RING_BYTES / Math.max(1, slotBytes))));
}

type Setting = 'workers' | 'prefetch';
const NAMES: Record<Setting, string> = { workers: 'worker', prefetch: 'batch in flight per worker' };

/**
 * Workers 'auto' may grow to on any device, whatever its core count: on 2
 * cores the bench measured 4 workers decoding JPEGs at 1.5x the rate of 2
 * (a worker's decodes run on the browser's own decode threads, and while one
 * worker waits on them another draws and reads back), so the cores alone
 * would cap the tuner below the best fixed setting there.
 */
export const AUTO_MIN_WORKER_CAP = 4;

/**
 * The range for the options as written; null when neither is 'auto', or
 * when numWorkers is 0 (prefetchFactor 'auto' then means the default, 2).
 * `cores` is navigator.hardwareConcurrency: workers may grow to that many,
 * at least AUTO_MIN_WORKER_CAP. Not one less for the main thread: a worker
 * mostly waits on fetches and on the browser's own decode threads, and the
 * trial keeps a worker only when batches/s rise.
 */
export function autotuneRange(numWorkers: number | 'auto', prefetchFactor: number | 'auto', cores: number, maxWorkers: number): AutotuneRange | null {
  if (numWorkers !== 'auto' && prefetchFactor !== 'auto') return null;
  // numWorkers 0 loads each batch when the consumer asks for it: there is no prefetch to tune.
  if (numWorkers === 0) return null;
  const most = Math.min(maxWorkers, Math.max(AUTO_MIN_WORKER_CAP, Math.floor(cores) || 2));
  const workers = numWorkers === 'auto' ? { start: Math.min(2, most), max: most } : { start: numWorkers, max: numWorkers };
  const prefetch = prefetchFactor === 'auto' ? { start: 2, max: AUTO_PREFETCH_MAX } : { start: prefetchFactor, max: prefetchFactor };
  return { workers, prefetch };
}

export class Autotuner {
  workers: number;
  prefetch: number;
  readonly decisions: AutotuneDecision[] = [];
  #firstBatch: number | null = null;
  #settledAt: number | null = null;
  #windowStart = 0;
  #batches = 0;
  #waitMs = 0;
  /** The window after a change is skipped: a new worker is still starting. The first one too. */
  #skip = true;
  #trial: { setting: Setting; baseRate: number } | null = null;
  readonly #exhausted = { workers: false, prefetch: false };

  /** `maxSlots`: the ring the loader allocated; growth never needs more. */
  constructor(
    readonly range: AutotuneRange,
    readonly maxSlots: number,
  ) {
    this.workers = range.workers.start;
    this.prefetch = range.prefetch.start;
  }

  /** Slots the scheduler may use now: max(2, workers * prefetch), within the ring. */
  get slotLimit(): number {
    return Math.min(this.maxSlots, Math.max(2, this.workers * this.prefetch));
  }

  stats(): AutotuneStats {
    const settledAfterMs = this.#settledAt === null || this.#firstBatch === null ? null : this.#settledAt - this.#firstBatch;
    return { numWorkers: this.workers, prefetchFactor: this.prefetch, decisions: [...this.decisions], settledAfterMs };
  }

  /** A batch reached the consumer after it waited `waitMs`; true when the settings changed. */
  delivered(waitMs: number, now: number): boolean {
    if (this.#firstBatch === null) {
      this.#firstBatch = now;
      this.#windowStart = now;
      return false;
    }
    this.#batches++;
    this.#waitMs += waitMs;
    const elapsed = now - this.#windowStart;
    if (elapsed < MIN_WINDOW_MS || this.#batches < Math.max(4, this.slotLimit)) return false;
    const rate = (this.#batches * 1000) / elapsed;
    const share = this.#waitMs / elapsed;
    this.#windowStart = now;
    this.#batches = 0;
    this.#waitMs = 0;
    if (this.#skip) {
      this.#skip = false;
      return false;
    }
    return this.#decide(rate, share, now);
  }

  #decide(rate: number, share: number, now: number): boolean {
    const trial = this.#trial;
    this.#trial = null;
    if (trial && rate < trial.baseRate * MIN_GAIN) {
      this.#exhausted[trial.setting] = true;
      const gain = (rate / trial.baseRate).toFixed(2);
      this.#step(trial.setting, -1, now, `+1 ${NAMES[trial.setting]} gave ${gain}x batches/s: undone`);
      return true;
    }
    if (share <= WAIT_SHARE) return this.#settle(now);
    const setting = (['workers', 'prefetch'] as const).find((s) => this.#canGrow(s));
    if (!setting) return this.#settle(now);
    this.#trial = { setting, baseRate: rate };
    this.#step(setting, +1, now, `the consumer waited ${Math.round(share * 100)}% of the time`);
    return true;
  }

  #canGrow(setting: Setting): boolean {
    if (this.#exhausted[setting]) return false;
    const workers = this.workers + (setting === 'workers' ? 1 : 0);
    const prefetch = this.prefetch + (setting === 'prefetch' ? 1 : 0);
    const max = setting === 'workers' ? this.range.workers.max : this.range.prefetch.max;
    return (setting === 'workers' ? workers : prefetch) <= max && workers * prefetch <= this.maxSlots;
  }

  #step(setting: Setting, by: 1 | -1, now: number, why: string): void {
    if (setting === 'workers') this.workers += by;
    else this.prefetch += by;
    this.#settledAt = null;
    this.#skip = by > 0;
    this.decisions.push({ time: now, numWorkers: this.workers, prefetchFactor: this.prefetch, why });
  }

  #settle(now: number): false {
    this.#settledAt ??= this.decisions.at(-1)?.time ?? this.#firstBatch ?? now;
    return false;
  }
}
