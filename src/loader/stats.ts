/**
 * Counters and the trace for the playground. Updated by the scheduler on the
 * main thread; `snapshot()` copies them, so a reader never sees them change.
 */
import type { AutotuneStats } from './autotune.ts';
import type { SampleFailure } from './errors.ts';
import type { BatchReport, CacheReport, TraceEvent } from './protocol.ts';
import type { RestartRecord } from './worker-supervisor.ts';
import type { ShardStats } from './shard-feed.ts';

export interface WorkerStats {
  /** Worker id; -1 is the main thread. */
  id: number;
  batches: number;
  samples: number;
  /** Sum of job durations: time the worker had a batch to work on. */
  busyMs: number;
  inFlight: number;
}

/**
 * How an epoch ended: it ran to its end, or was stopped (epoch-run.ts, NOTE:
 * stopping) by a break (or a newer epoch), its AbortSignal, close(), or an
 * error raised to the consumer.
 */
export type EpochEnd = 'complete' | 'break' | 'abort' | 'closed' | 'error';

/**
 * One epoch's accounting. Invariant: delivered + skipped + abandoned = samples,
 * and abandoned is 0 unless the epoch was stopped (end is not 'complete').
 */
export interface EpochStats {
  epoch: number;
  /** Samples the epoch holds (after dropLast); a resumed epoch counts the batches it had left. */
  samples: number;
  delivered: number;
  skipped: number;
  /** Samples never delivered nor skipped because the epoch was stopped (break, abort, close, a raised error). */
  abandoned: number;
  /** Null while the epoch runs. */
  end: EpochEnd | null;
}

/** One epoch's use of the sample cache. */
export interface EpochCacheStats {
  epoch: number;
  /** Samples served from the cache, and samples looked up there in vain (then decoded and stored). */
  hits: number;
  misses: number;
}

/** The sample cache (option `cache`), summed over every producer of the loader. */
export interface CacheStats {
  /** The option is 'indexeddb' and no producer has turned the cache off. */
  enabled: boolean;
  hits: number;
  misses: number;
  /** Samples with no sound cache key (`blob:` URLs): decoded every time. */
  uncacheable: number;
  /** Samples this loader committed to the cache, and their bytes. */
  stored: number;
  storedBytes: number;
  /** Why the cache turned itself off (the first producer to say so), else null. */
  notice: string | null;
  /** Per epoch, for the epochs that used the cache. */
  epochs: EpochCacheStats[];
}

export interface RingOccupancy {
  slots: number;
  free: number;
  filling: number;
  ready: number;
  failed: number;
  /** Delivered and not yet released by the consumer. */
  held: number;
  /** Each slot's state in slot order, for drawing the ring. */
  states: Array<'free' | 'filling' | 'ready' | 'failed' | 'held'>;
}

export interface LoaderStats {
  mode: 'shared' | 'transfer';
  batchesDelivered: number;
  samplesDelivered: number;
  samplesSkipped: number;
  /** Every skipped sample, once, with its reason. */
  skipped: SampleFailure[];
  /** Skips by reason, e.g. { decode: 2, http: 1 }. */
  skippedByReason: Record<string, number>;
  epochs: EpochStats[];
  workers: WorkerStats[];
  /** Workers that died and were replaced (or given up on), in order. */
  restarts: RestartRecord[];
  /** Total time the consumer waited for a batch that was not ready. */
  consumerWaitMs: number;
  ring: RingOccupancy;
  cache: CacheStats;
  /** Only for a dataset packed in shards: the order in force, the shard set and what was fetched. */
  shards?: ShardStats;
  /** Only with numWorkers or prefetchFactor 'auto': the settings in use and each decision, with why. */
  autotune?: AutotuneStats;
}

type Listener = (event: TraceEvent) => void;

export class StatsCollector {
  batchesDelivered = 0;
  samplesDelivered = 0;
  consumerWaitMs = 0;
  readonly skipped: SampleFailure[] = [];
  readonly restarts: RestartRecord[] = [];
  readonly epochs = new Map<number, EpochStats>();
  readonly workers = new Map<number, Omit<WorkerStats, 'inFlight'>>();
  readonly cache: Omit<CacheStats, 'epochs'>;
  readonly cacheEpochs = new Map<number, EpochCacheStats>();
  readonly #listeners = new Set<Listener>();

  constructor(onListening: (listening: boolean) => void, cacheOn = false) {
    this.#onListening = onListening;
    this.cache = { enabled: cacheOn, hits: 0, misses: 0, uncacheable: 0, stored: 0, storedBytes: 0, notice: null };
  }
  readonly #onListening: (listening: boolean) => void;

  get tracing(): boolean {
    return this.#listeners.size > 0;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#onListening(true);
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#onListening(false);
    };
  }

  emit(event: TraceEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  beginEpoch(epoch: number, samples: number): void {
    this.epochs.set(epoch, { epoch, samples, delivered: 0, skipped: 0, abandoned: 0, end: null });
  }

  /** The epoch ended: what was neither delivered nor skipped is abandoned. */
  endEpoch(epoch: number, end: EpochEnd): void {
    const stats = this.epochs.get(epoch);
    if (!stats || stats.end) return;
    stats.end = end;
    stats.abandoned = stats.samples - stats.delivered - stats.skipped;
  }

  /** A producer's report arrived: busy time, skips, and its trace. */
  addReport(report: BatchReport): void {
    const worker = this.workers.get(report.worker) ?? { id: report.worker, batches: 0, samples: 0, busyMs: 0 };
    worker.batches++;
    worker.samples += report.count;
    worker.busyMs += report.end - report.start;
    this.workers.set(report.worker, worker);
    if (report.cache) this.#addCache(report.epoch, report.cache);
    if (report.trace && this.tracing) {
      const origin = performance.timeOrigin;
      for (const e of report.trace) this.emit({ ...e, start: e.start - origin, end: e.end - origin });
    }
  }

  #addCache(epoch: number, report: CacheReport): void {
    const { cache } = this;
    cache.hits += report.hits;
    cache.misses += report.misses;
    cache.uncacheable += report.uncacheable;
    cache.stored += report.stored;
    cache.storedBytes += report.storedBytes;
    const stats = this.cacheEpochs.get(epoch) ?? { epoch, hits: 0, misses: 0 };
    stats.hits += report.hits;
    stats.misses += report.misses;
    this.cacheEpochs.set(epoch, stats);
    if (!report.enabled) cache.enabled = false;
    if (report.notice && cache.notice === null) {
      // One notice per loader, however many producers turn their cache off.
      cache.notice = report.notice;
      console.warn(report.notice);
    }
  }

  /** Samples of a batch the consumer received, and the ones it lost. */
  addDelivered(epoch: number, count: number, skipped: SampleFailure[]): void {
    if (count > 0) this.batchesDelivered++; // a batch whose samples were all skipped is never yielded
    this.samplesDelivered += count;
    this.skipped.push(...skipped);
    const stats = this.epochs.get(epoch);
    if (stats) {
      stats.delivered += count;
      stats.skipped += skipped.length;
    }
  }

  /** The scheduler sent `batch` into `slot` to producer `worker`: a 'dispatch' trace event, now, while someone listens. */
  addDispatch(epoch: number, batch: number, slot: number, worker: number): void {
    if (!this.tracing) return;
    const now = performance.now();
    this.emit({ worker, epoch, batch, slot, phase: 'dispatch', start: now, end: now });
  }

  addWait(epoch: number, batch: number, start: number, end: number): void {
    this.consumerWaitMs += end - start;
    if (this.tracing) this.emit({ worker: -1, epoch, batch, phase: 'wait', start, end });
  }

  snapshot(mode: 'shared' | 'transfer', inFlight: Map<number, number>, ring: RingOccupancy): LoaderStats {
    const skippedByReason: Record<string, number> = {};
    for (const s of this.skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
    const ids = new Set([...this.workers.keys(), ...inFlight.keys()]);
    const workers = [...ids].sort((a, b) => a - b).map((id) => ({
      ...(this.workers.get(id) ?? { id, batches: 0, samples: 0, busyMs: 0 }),
      inFlight: inFlight.get(id) ?? 0,
    }));
    return {
      mode,
      batchesDelivered: this.batchesDelivered,
      samplesDelivered: this.samplesDelivered,
      samplesSkipped: this.skipped.length,
      skipped: this.skipped.map((s) => ({ ...s })),
      skippedByReason,
      epochs: [...this.epochs.values()].map((e) => ({ ...e })),
      workers,
      restarts: this.restarts.map((r) => ({ ...r })),
      consumerWaitMs: this.consumerWaitMs,
      ring,
      cache: { ...this.cache, epochs: [...this.cacheEpochs.values()].map((e) => ({ ...e })) },
    };
  }
}
