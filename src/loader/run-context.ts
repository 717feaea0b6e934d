/**
 * The contract between a DataLoader and one EpochRun (epoch-run.ts): what
 * the loader lends the run (options, slots, producers, stats, samples), and
 * how a consumer starts it.
 */
import type { ResolvedOptions } from './options.ts';
import type { Producer } from './producers.ts';
import type { JobSample } from './protocol.ts';
import type { SlotPool } from './slot-pool.ts';
import type { StatsCollector } from './stats.ts';

/** What a run needs from its loader. */
export interface RunContext {
  readonly options: ResolvedOptions;
  readonly pool: SlotPool;
  readonly producers: readonly Producer[];
  readonly stats: StatsCollector;
  sample(index: number): JobSample;
  /** Give a slot back to the pool and let the active run dispatch into it. */
  freeSlot(slot: number): void;
  /** Tell the producers that run to drop `epoch`'s unfinished jobs. */
  cancel(epoch: number): void;
  /** These dataset indices reached the consumer (their headers passed the reader's check). */
  delivered?(indices: Int32Array): void;
  /** The consumer got a batch after waiting `ms` for it (numWorkers or prefetchFactor 'auto' measure this). */
  waited?(ms: number): void;
}

export interface RunOptions {
  /** Batches of this epoch consumed before (a resumed epoch): they are not run again. */
  consumed?: Iterable<number>;
  /** Aborting it stops the epoch; next() then throws the signal's reason. */
  signal?: AbortSignal;
  /** A SampleError thrown by next() leaves the epoch running: the next next() gives the next batch. */
  continueAfterError?: boolean;
}
