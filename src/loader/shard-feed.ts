/**
 * ShardFeed: a loader's side of a dataset packed in shards. It owns the
 * loader's ShardStore, decides the epoch order, and turns a batch's samples
 * into what a producer reads: a checked File slice of the shard, or a typed
 * failure naming shard and key.
 *
 * NOTE: who fetches what
 *
 *   main thread: ShardFeed.resolve(job) ──acquire each shard the batch needs──> ShardStore
 *                   (before the job goes to a producer)          │ one fetch per shard, <= 4 at once,
 *                                                                │ shared by every batch that waits on it
 *                   samples: File slices (checked) or failures <─┘
 *   worker:      decodes the File slices it is given. It fetches nothing, reads no
 *                header (checked when the shard arrived), never sees a tar.
 *   release:     the batch's leases are released once its producer reports.
 *
 * - Only the main thread fetches shards, so a shard costs one request per
 *   loader however many workers need it (until evicted, or refetched by a
 *   retry). A Blob slice crosses to a worker by reference, not by copy.
 * - Batches resolve independently (shard-producer.ts): a batch waits for its
 *   own shards only, never for another batch's; two batches that need the
 *   same shard wait on the same fetch. No worker waits on another.
 * - A whole-shard failure (404, network, timeout) is retried here, with
 *   onError's `retry`: each retry acquires with a higher attempt, which
 *   fetches the shard again; the failure then goes to the producer with its
 *   attempt count and is not retried there.
 */
import { sleep } from './abortable.ts';
import { backoffMs } from './retry-policy.ts';
import type { ShardLayout } from './sources/shard-dataset.ts';
import type { ResolvedOptions } from './options.ts';
import type { BatchJob, JobSample } from './protocol.ts';
import { epochOrder } from './sampler.ts';
import { shardOrderPlan, windowedEpochOrder, type ShardOrderPlan } from './shard-order.ts';
import { ShardStore, type ShardLease, type ShardRef } from './sources/shard-store.ts';


/** `stats().shards`: the shard set, the order in force and what was fetched. */
export interface ShardStats {
  /** 'global': the exact permutation from (seed, epoch); 'windowed': shard-aware (shard-order.ts); 'sequential': no shuffle. */
  order: 'global' | 'windowed' | 'sequential';
  /** Shards per window under the windowed order; null otherwise. */
  window: number | null;
  /** Shards in the set, and their bytes. */
  shards: number;
  bytes: number;
  /** Whether the manifest carries the index; false: the tar headers were read. */
  indexed: boolean;
  /** Shard fetches started (one per shard, plus refetches after eviction or a retried failure), and the bytes they brought. */
  requests: number;
  fetched: number;
  /** Shards in memory now, their bytes, the most bytes at once, and the shards dropped to stay under `budget`. */
  resident: number;
  residentBytes: number;
  peakBytes: number;
  evictions: number;
  /** `shardCacheBytes`. */
  budget: number;
}

/** A batch's samples ready for a producer, and the release of its shards. */
export interface FedBatch {
  samples: JobSample[];
  release(): void;
}

export class ShardFeed {
  readonly store: ShardStore;
  readonly plan: ShardOrderPlan;
  readonly #refs: ShardRef[];

  constructor(
    readonly layout: ShardLayout,
    readonly options: ResolvedOptions,
    classCount: number,
    fetchFn?: typeof fetch,
  ) {
    const { shardCacheBytes, maxPixels } = options;
    // A shard fetch has the store's own bound (DEFAULT_SHARD_TIMEOUT_MS): `timeoutMs` is per sample.
    this.store = new ShardStore({ classCount, budgetBytes: shardCacheBytes, maxPixels, ...(fetchFn && { fetch: fetchFn }) });
    this.plan = shardOrderPlan(
      layout.shards.map((s) => s.bytes),
      shardCacheBytes,
    );
    this.#refs = layout.shards.map(({ url, bytes, samples }) => (samples ? { url, bytes, samples } : { url }));
  }

  /** The epoch's order: the global permutation while the shards fit the budget, else windowed. */
  order(epoch: number): Int32Array {
    const { shuffle, seed } = this.options;
    const n = this.layout.shardOf.length;
    if (!shuffle || this.plan.kind === 'global') return epochOrder(n, shuffle, seed, epoch);
    return windowedEpochOrder(this.layout.counts, this.plan.window, seed, epoch);
  }

  /** For the resume fingerprint: an order that changes with the budget must not resume across it. */
  get orderName(): string {
    const kind = this.#orderKind;
    return kind === 'windowed' ? `windowed ${this.#window}` : kind;
  }

  get #orderKind(): ShardStats['order'] {
    return this.options.shuffle ? this.plan.kind : 'sequential';
  }

  /** Shards per window under the windowed order; null under any other. */
  get #window(): number | null {
    return this.#orderKind === 'windowed' && this.plan.kind === 'windowed' ? this.plan.window : null;
  }

  /**
   * The job's samples from their shards (see NOTE: who fetches what). Rejects
   * only when `signal` aborts (the epoch stopped) or the store is closed;
   * then no lease is left held.
   */
  async resolve(job: BatchJob, signal: AbortSignal): Promise<FedBatch> {
    const { shardOf, keys } = this.layout;
    const wanted = new Set<number>();
    for (const sample of job.samples) if (!sample.problem) wanted.add(shardOf[sample.index]);
    const settled = await Promise.allSettled([...wanted].map((s) => this.#acquire(s, signal)));
    const leases = new Map<number, { lease: ShardLease; attempts: number }>();
    let failure: unknown = null;
    [...wanted].forEach((s, k) => {
      const result = settled[k];
      if (result.status === 'fulfilled') leases.set(s, result.value);
      else failure ??= result.reason;
    });
    const release = () => leases.forEach(({ lease }) => lease.release());
    if (failure !== null) {
      release();
      throw failure;
    }
    const samples = job.samples.map((sample): JobSample => {
      if (sample.problem) return sample;
      const { lease, attempts } = leases.get(shardOf[sample.index])!;
      const result = lease.sample(keys[sample.index]);
      if (result.ok) return { ...sample, source: result.file, checked: true, cacheKey: result.cacheKey };
      return { ...sample, source: result.source, failure: { reason: result.reason, message: result.message, attempts } };
    });
    return { samples, release };
  }

  /** Shard s, re-acquired with a higher attempt after a whole-shard failure, up to onError's retry. */
  async #acquire(s: number, signal: AbortSignal): Promise<{ lease: ShardLease; attempts: number }> {
    const { retry } = this.options.onError;
    let attempts = 1;
    let lease = await this.store.acquire(this.#refs[s], { signal, attempt: attempts });
    while (lease.failure && attempts <= retry) {
      const wait = backoffMs(lease.failure.reason, attempts);
      lease.release();
      if (wait > 0) await sleep(wait, signal);
      attempts++;
      lease = await this.store.acquire(this.#refs[s], { signal, attempt: attempts });
    }
    return { lease, attempts };
  }

  stats(): ShardStats {
    const store = this.store.stats();
    const { shards, indexed } = this.layout;
    return {
      order: this.#orderKind,
      window: this.#window,
      shards: shards.length,
      bytes: shards.reduce((n, s) => n + s.bytes, 0),
      indexed,
      requests: store.requests,
      fetched: store.fetchedBytes,
      resident: store.resident,
      residentBytes: store.residentBytes,
      peakBytes: store.peakBytes,
      evictions: store.evictions,
      budget: this.options.shardCacheBytes,
    };
  }

  close(): void {
    this.store.close();
  }
}
