/**
 * ShardStore: the main thread's holder of packed shards. It fetches each
 * shard once, whole, in one request; keeps shards in memory under a byte
 * budget; and hands out each sample as a zero-copy slice of its shard's Blob
 * (a Blob crosses to a worker by reference, and createImageBitmap decodes a
 * slice directly). Every sample is checked when its shard arrives
 * (shard-check.ts), so workers skip their own header read.
 *
 * NOTE: shard life cycle
 *
 *   acquire(ref) ── pin ──> absent ──fetch (FIFO, <= maxInFlight)──> loading ──bytes──> checked ──> ready
 *                              ^                                        └── 404, network, timeout ──> failed
 *                              └── evicted: ready, unpinned, least recently acquired, over budget
 *   lease.sample(key) ──> File slice named "<shard url>#<key>", or a typed failure
 *   lease.release() ──> unpin
 *
 * - One entry per URL: every acquire while a shard loads waits on the same
 *   promise, so a shard costs one request however many callers ask at once.
 * - The pin is taken at acquire, before the fetch: a shard is never evicted
 *   between its arrival and its reader, nor while any lease holds it.
 * - Eviction runs when a shard arrives and when a lease is released. The
 *   budget is soft: when every resident shard is pinned, a new one is kept
 *   anyway (refusing it could stall the very batch that holds the pins);
 *   `stats().peakBytes` shows the excess. Phase the work so it fits: a
 *   window of shards that fits the budget (shard-order.ts).
 * - A failed shard stays failed for the attempt that saw it: all its
 *   samples fail at once, with no request each. An acquire with a higher
 *   `attempt` (a retry) fetches it again, once for every caller of that attempt.
 * - Bounds: a fetch has `timeoutMs` of active time from its start (a frozen
 *   page does not count, see active-timer.ts); a shard queued for a fetch
 *   slot waits at most for the fetches ahead of it, each bounded. A caller's
 *   own signal ends its own wait only, never a fetch that others share.
 *   close() aborts every fetch and every wait.
 * - Memory: a shard's bytes are read into one buffer (streamed, refused past
 *   max(budget, declared size)), checked (in turns of a few ms, paced.ts,
 *   so the page and the training loop get in), copied into a Blob, and dropped;
 *   at most maxInFlight shards are in that transient state at once.
 */
import { untilAborted } from '../abortable.ts';
import { activeTimeout } from '../active-timer.ts';
import { FeedlineError, OptionError } from '../errors.ts';
import { DEFAULT_MAX_PIXELS, DEFAULT_SHARD_CACHE_BYTES } from '../options.ts';
import { Limiter } from '../worker/limiter.ts';
import { runPaced } from '../paced.ts';
import { checkShardWork, type ShardCheck } from './shard-check.ts';
import { ShardError, fetchShard } from './shard-fetch.ts';
import { ShardLease, type LoadedShard } from './shard-lease.ts';
import type { GroupedSample, ShardSample } from './webdataset.ts';

export { ShardError } from './shard-fetch.ts';
export { ShardLease, shardCacheKey, type ShardSampleResult } from './shard-lease.ts';

export { DEFAULT_SHARD_CACHE_BYTES };
export const DEFAULT_SHARD_FETCHES = 4;
export const DEFAULT_SHARD_TIMEOUT_MS = 60_000;

/** Which shard, and its index if the manifest has one. The first acquire of a URL decides what the store uses. */
export interface ShardRef {
  /** Absolute URL. */
  url: string;
  /** The size the manifest declares; absent without an index. */
  bytes?: number | null;
  /** The manifest's index; absent: read from the tar headers when the shard arrives. */
  samples?: readonly ShardSample[] | null;
}

export interface ShardStoreOptions {
  /** Class count, to check `.cls` labels of shards without an index. */
  classCount: number;
  /** Bytes of shards kept in memory (`shardCacheBytes`). */
  budgetBytes?: number;
  /** As the loader's `maxPixels`: larger images fail 'oversize' from their header. */
  maxPixels?: number;
  /** Shard fetches in flight at once. */
  maxInFlight?: number;
  /** Bound on one shard's fetch, in ms of active time. */
  timeoutMs?: number;
  /** The fetch to use (tests count requests through it). */
  fetch?: typeof fetch;
}

/** What readIndex tells of a shard. */
export interface ShardIndex {
  samples: readonly GroupedSample[];
  bytes: number;
  indexedFrom: 'manifest' | 'headers';
}

export interface ShardStoreStats {
  /** Shard fetches started: one per shard per load, plus refetches after eviction or a retried failure. */
  requests: number;
  fetchedBytes: number;
  resident: number;
  residentBytes: number;
  /** Most bytes resident at once; above the budget only when every shard was pinned. */
  peakBytes: number;
  evictions: number;
  /** Shards whose samples were read from the tar headers (no index in the manifest). */
  headerIndexed: number;
}

interface Entry extends LoadedShard {
  state: 'loading' | 'ready' | 'failed';
  /** Settles (never rejects) when the state leaves 'loading'. */
  loaded: Promise<void>;
  /** The retry attempt that started this load. */
  attempt: number;
  blob: Blob | null;
  size: number;
  check: ShardCheck | null;
  failure: ShardError | null;
  pins: number; // always equal to unreleased leases plus acquires still waiting
  used: number; // the store's tick at the latest acquire: the LRU order
  abort: AbortController | null;
}

export class ShardStore {
  readonly #options: Required<Omit<ShardStoreOptions, 'fetch'>> & { fetch: typeof fetch };
  readonly #entries = new Map<string, Entry>();
  readonly #limiter: Limiter;
  readonly #stats: ShardStoreStats = { requests: 0, fetchedBytes: 0, resident: 0, residentBytes: 0, peakBytes: 0, evictions: 0, headerIndexed: 0 };
  #tick = 0;
  #closed = false;

  constructor(options: ShardStoreOptions) {
    checkOptions(options);
    this.#options = {
      budgetBytes: DEFAULT_SHARD_CACHE_BYTES,
      maxPixels: DEFAULT_MAX_PIXELS,
      maxInFlight: DEFAULT_SHARD_FETCHES,
      timeoutMs: DEFAULT_SHARD_TIMEOUT_MS,
      ...options,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    };
    this.#limiter = new Limiter(this.#options.maxInFlight);
  }

  /**
   * The shard, fetched if it is not resident, pinned until the lease is
   * released. Resolves for a shard that failed too (its samples fail);
   * rejects only when `signal` aborts (with its reason) or the store closes.
   */
  async acquire(ref: ShardRef, { signal, attempt = 1 }: { signal?: AbortSignal; attempt?: number } = {}): Promise<ShardLease> {
    this.#open();
    signal?.throwIfAborted();
    let entry = this.#entries.get(ref.url);
    if (!entry || (entry.state === 'failed' && entry.attempt < attempt)) {
      entry = this.#start(ref, attempt);
    }
    entry.pins++;
    entry.used = ++this.#tick;
    try {
      await untilAborted(entry.loaded, signal);
      this.#open();
    } catch (error) {
      this.#unpin(entry);
      throw error;
    }
    return new ShardLease(entry, () => this.#unpin(entry));
  }

  /**
   * A shard's samples (its manifest index, or read from its tar headers) and
   * size, for a dataset that must know them before loading; the shard stays
   * resident while the budget allows. Throws its ShardError if it failed.
   */
  async readIndex(ref: ShardRef, options: { signal?: AbortSignal } = {}): Promise<ShardIndex> {
    const lease = await this.acquire(ref, options);
    try {
      if (lease.failure) throw lease.failure;
      return { samples: lease.samples, bytes: lease.bytes, indexedFrom: lease.indexedFrom! };
    } finally {
      lease.release();
    }
  }

  stats(): ShardStoreStats {
    return { ...this.#stats };
  }

  /** Aborts every fetch; every wait rejects; leases already held keep reading their shard until released. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of this.#entries.values()) entry.abort?.abort(new ShardError(entry.url, 'network', `\`ShardStore\` closed while ${entry.url} loaded`));
    this.#entries.clear();
    this.#stats.resident = 0;
    this.#stats.residentBytes = 0;
  }

  #open(): void {
    if (this.#closed) throw new FeedlineError('`ShardStore` is closed: a closed loader fetches no shard');
  }

  #start(ref: ShardRef, attempt: number): Entry {
    const entry: Entry = {
      url: ref.url,
      state: 'loading',
      loaded: Promise.resolve(),
      attempt,
      blob: null,
      size: 0,
      check: null,
      failure: null,
      files: new Map(),
      pins: 0,
      used: 0,
      abort: null,
    };
    this.#entries.set(ref.url, entry);
    entry.loaded = this.#limiter.run(() => this.#load(entry, ref));
    return entry;
  }

  /** Fetches and checks one shard; never throws: a failure becomes the entry's state. */
  async #load(entry: Entry, ref: ShardRef): Promise<void> {
    if (this.#closed) return this.#fail(entry, new ShardError(entry.url, 'network', '`ShardStore` closed before the fetch'));
    const abort = new AbortController();
    entry.abort = abort;
    const { timeoutMs, budgetBytes } = this.#options;
    const cancel = activeTimeout(timeoutMs, () =>
      abort.abort(new ShardError(entry.url, 'timeout', `the shard ${entry.url} did not arrive within ${timeoutMs} ms`)),
    );
    let bytes: Uint8Array;
    try {
      this.#stats.requests++;
      bytes = await fetchShard(this.#options.fetch, entry.url, Math.max(budgetBytes, ref.bytes ?? 0), abort.signal);
    } catch (error) {
      return this.#fail(entry, error instanceof ShardError ? error : new ShardError(entry.url, 'network', String(error)));
    } finally {
      cancel();
      entry.abort = null;
    }
    const { classCount, maxPixels } = this.#options;
    try {
      // Paced: in one piece it held the main thread for 230-340 ms a shard (paced.ts).
      entry.check = await runPaced(checkShardWork(bytes, { url: entry.url, index: ref.samples, declaredBytes: ref.bytes, classCount, maxPixels }));
    } catch (error) {
      // Not a verdict on a sample but a bug; still, `loaded` must settle and every sample must say why.
      return this.#fail(entry, new ShardError(entry.url, 'source', `the shard ${entry.url} could not be checked: ${String(error)}`));
    }
    entry.blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' });
    entry.size = bytes.length;
    entry.state = 'ready';
    this.#stats.fetchedBytes += bytes.length;
    if (entry.check.indexedFrom === 'headers') this.#stats.headerIndexed++;
    if (this.#entries.get(entry.url) === entry) {
      this.#stats.resident++;
      this.#stats.residentBytes += entry.size;
      this.#stats.peakBytes = Math.max(this.#stats.peakBytes, this.#stats.residentBytes);
      this.#evict();
    }
  }

  #fail(entry: Entry, failure: ShardError): void {
    entry.state = 'failed';
    entry.failure = failure;
  }

  #unpin(entry: Entry): void {
    entry.pins--;
    this.#evict();
  }

  /** Drops ready, unpinned shards, least recently acquired first, until the resident bytes fit the budget. */
  #evict(): void {
    while (this.#stats.residentBytes > this.#options.budgetBytes) {
      let victim: Entry | null = null;
      for (const entry of this.#entries.values()) {
        if (entry.state === 'ready' && entry.pins === 0 && (!victim || entry.used < victim.used)) victim = entry;
      }
      if (!victim) return;
      this.#entries.delete(victim.url);
      this.#stats.resident--;
      this.#stats.residentBytes -= victim.size;
      this.#stats.evictions++;
    }
  }
}

function checkOptions(options: ShardStoreOptions): void {
  const positive = (name: string, value: number | undefined, integer: boolean) => {
    if (value === undefined) return;
    if (!(value > 0) || (integer && !Number.isInteger(value)) || !Number.isFinite(value)) {
      throw new OptionError(`\`ShardStore\`: \`${name}\` must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
    }
  };
  positive('classCount', options.classCount, true);
  positive('budgetBytes', options.budgetBytes, true);
  positive('maxPixels', options.maxPixels, true);
  positive('maxInFlight', options.maxInFlight, true);
  positive('timeoutMs', options.timeoutMs, false);
}
