/**
 * The decoded-sample cache in front of a PixelReader (DataLoader option
 * `cache: 'indexeddb'`). Each producer (worker, or the main thread for
 * numWorkers 0) has its own, with its own IndexedDB connection: workers read
 * and write the cache themselves, nothing crosses threads but counts.
 *
 * NOTE: cache reads and writes
 *
 *   expect(job's sources) ──keys──> queued gets ──one readonly tx per group──┐
 *   read(sample) ──takes its lookup──> hit: stored channels, unpacked to RGBA <┤
 *                                 └──> miss: inner reader ──> packed, queued <┘
 *   settle(job) ──> queued entries ──one readwrite tx──> awaited (bounded) ──> report
 *
 * - The executor names a job's sources before reading any (expect()), so
 *   the lookups of a job share a transaction; gets asked for in one turn
 *   form one group, and up to MAX_GET_TXNS groups run at once. (One get per
 *   transaction, or one transaction at a time, served a fraction of what
 *   IndexedDB can: see the bench.)
 * - The executor calls settle() after it has published the slot, and
 *   settle() awaits the job's writes before the report goes out. So once an
 *   epoch's reports are in, its samples are committed and the next epoch, on
 *   any worker, finds them. Shared-ring consumers read a published slot at
 *   once and never wait for a write; in transfer mode and on the main thread
 *   a batch travels with its report, so a cold epoch's batches wait for
 *   their commit (the bench's cold column).
 * - Any failure (QuotaExceededError, a blocked or lost database, a timeout)
 *   turns the cache off for good in this producer, with one notice; the
 *   sample at hand is still delivered from the decoded pixels. Loading never
 *   fails because of the cache.
 */
import type { ImageSource } from '../dataset.ts';
import type { PhaseMark, PixelReader, ReadHints } from '../worker/decode.ts';
import { pixelFingerprint, sourceKey } from './fingerprint.ts';
import type { ResolvedOptions } from '../options.ts';
import type { CacheReport } from '../protocol.ts';
import { packSample, unpackSample } from './sample-pack.ts';
import {
  CacheUnavailableError,
  SAMPLE_CACHE_DB,
  openSampleCache,
  type OpenOptions,
  type SampleKey,
  type SampleRecord,
  type SampleStore,
} from './sample-cache.ts';

/** Per-job counts, filled by read(). */
export interface CacheTally {
  hits: number;
  misses: number;
  uncacheable: number;
}

export const newTally = (): CacheTally => ({ hits: 0, misses: 0, uncacheable: 0 });

/** How a BatchExecutor reads samples: straight from the reader, or through the cache. */
export interface SampleSource {
  read(source: ImageSource, signal: AbortSignal, mark: PhaseMark | undefined, tally: CacheTally, hints?: ReadHints): Promise<Uint8ClampedArray>;
  /**
   * A job's sources, before it reads them: the cache looks them all up at
   * once. `keys[i]`, where given, is source i's cache key (a shard sample's).
   */
  expect(sources: readonly ImageSource[], keys?: readonly (string | undefined)[]): void;
  /** After a job: its writes are committed (or the cache is off). Null when the option is off. */
  settle(tally: CacheTally): Promise<CacheReport | null>;
  close(): void;
}

/** Bound on one cache transaction; past it the cache turns off. */
export const CACHE_OP_TIMEOUT_MS = 10_000;

/** Most gets in one transaction, and most get transactions at once per producer. */
const MAX_GET_GROUP = 64;
const MAX_GET_TXNS = 4;

/** `where` names the producer in the notice ('worker 1', 'the main thread'). */
export function sampleSource(
  reader: PixelReader,
  options: ResolvedOptions,
  where: string,
  open: (options: OpenOptions) => Promise<SampleStore> = openSampleCache,
): SampleSource {
  if (options.cache !== 'indexeddb') {
    return { read: (source, signal, mark, _tally, hints) => reader.read(source, signal, mark, hints), expect() {}, settle: async () => null, close() {} };
  }
  return new CachedReader(reader, options, where, open);
}

const OFF = Symbol('cache off');
type Found = SampleRecord | undefined | typeof OFF;
/** A source looked up: its key (null: not cacheable) and what the cache holds under it. */
type Lookup = { key: string | null; found: Found };

export class CachedReader implements SampleSource {
  #db: Promise<SampleStore | null> | null = null; // opened by the first read
  #off = false; // true once turned off (a failure, or close()); never reset
  #notice: string | null = null; // why it turned off after a failure; null after close() alone
  readonly #ahead = new Map<ImageSource, Promise<Lookup>>(); // looked up by expect(), taken by read()
  #gets: Array<{ key: SampleKey; resolve: (found: Found) => void }> = [];
  #getting = 0; // get transactions running; at most MAX_GET_TXNS
  #grouping = false; // a microtask will gather the queued gets into a group
  #puts: Array<[SampleKey, SampleRecord]> = []; // decoded, not yet handed to a transaction
  #lastWrite: Promise<void> = Promise.resolve(); // readwrite transactions commit in order: this one last
  #stored = { count: 0, bytes: 0 }; // written since the last settle()
  readonly #fingerprint: string | null;

  constructor(
    readonly reader: PixelReader,
    readonly options: ResolvedOptions,
    readonly where: string,
    readonly open: (options: OpenOptions) => Promise<SampleStore>,
  ) {
    const tag = reader.cacheTag;
    this.#fingerprint = tag ? pixelFingerprint(options, tag) : null;
    if (!tag) this.#turnOff(notice(where, 'its PixelReader has no `cacheTag`, so cached pixels could come from another decoder', 'give the reader a `cacheTag`'));
  }

  expect(sources: readonly ImageSource[], keys: readonly (string | undefined)[] = []): void {
    if (this.#off) return;
    sources.forEach((source, i) => {
      if (!this.#ahead.has(source)) this.#ahead.set(source, this.#lookup(source, keys[i]));
    });
  }

  async read(source: ImageSource, signal: AbortSignal, mark: PhaseMark | undefined, tally: CacheTally, hints?: ReadHints): Promise<Uint8ClampedArray> {
    const ahead = this.#ahead.get(source);
    this.#ahead.delete(source);
    const { key, found } = this.#off ? OFF_LOOKUP : await (ahead ?? this.#lookup(source));
    if (found === OFF) return this.reader.read(source, signal, mark, hints);
    if (key === null) {
      tally.uncacheable++;
      return this.reader.read(source, signal, mark, hints);
    }
    if (signal.aborted) throw signal.reason;
    if (found) {
      tally.hits++;
      return unpackSample(found.pixels, found.channels);
    }
    const rgba = await this.reader.read(source, signal, mark, hints);
    if (!this.#off) {
      tally.misses++;
      // Packed now: the reader's bytes stay valid only until its next read.
      const { width, height, channels } = this.options.image;
      const pixels = packSample(rgba, channels);
      this.#puts.push([[this.#fingerprint!, key], { pixels, width, height, channels, bytes: pixels.byteLength }]);
    }
    return rgba;
  }

  async settle(tally: CacheTally): Promise<CacheReport> {
    const db = this.#off || !this.#db ? null : await this.#db;
    if (db && !this.#off && this.#puts.length > 0) this.#write(db, this.#puts.splice(0));
    await this.#lastWrite; // never rejects: #write turns failures into the notice
    const stored = this.#stored;
    this.#stored = { count: 0, bytes: 0 };
    return { ...tally, stored: stored.count, storedBytes: stored.bytes, enabled: !this.#off, notice: this.#notice };
  }

  close(): void {
    this.#turnOff(null);
  }

  #connect(): Promise<SampleStore | null> {
    this.#db ??= this.open({ onLost: (error) => this.#fail(error) }).then(
      (db) => {
        if (this.#off) db.close(); // turned off while it opened
        return this.#off ? null : db;
      },
      (error: unknown) => {
        this.#fail(error);
        return null;
      },
    );
    return this.#db;
  }

  async #lookup(source: ImageSource, given?: string): Promise<Lookup> {
    const db = this.#off ? null : await this.#connect();
    if (!db || this.#off) return OFF_LOOKUP;
    // No key (or a Blob that cannot be read): not cached; the reader reports any real problem.
    const key = given ?? (await sourceKey(source).catch(() => null));
    if (key === null) return { key, found: undefined };
    return { key, found: await this.#get([this.#fingerprint!, key]) };
  }

  #get(key: SampleKey): Promise<Found> {
    return new Promise((resolve) => {
      this.#gets.push({ key, resolve });
      this.#pump();
    });
  }

  /**
   * Starts a get group in a microtask, so that it gathers every get asked for
   * in this turn (a job's lookups all arrive together), unless MAX_GET_TXNS
   * run: then the next one to finish starts it.
   */
  #pump(): void {
    if (this.#grouping || this.#getting >= MAX_GET_TXNS || this.#gets.length === 0) return;
    this.#grouping = true;
    queueMicrotask(() => {
      this.#grouping = false;
      void this.#getGroup();
      this.#pump(); // more than MAX_GET_GROUP were waiting
    });
  }

  async #getGroup(): Promise<void> {
    const group = this.#gets.splice(0, MAX_GET_GROUP);
    if (group.length === 0) return;
    this.#getting++;
    const { image } = this.options;
    try {
      const db = this.#off ? null : await this.#db;
      if (!db || this.#off) {
        group.forEach((g) => g.resolve(OFF)); // turned off meanwhile
        return;
      }
      const records = await bounded(db.getMany(group.map((g) => g.key)), 'a cache read');
      // A record of another size (a corrupted entry) is a miss; the decoded sample replaces it.
      group.forEach((g, i) => g.resolve(valid(records[i], image) ? records[i] : undefined));
    } catch (error) {
      this.#fail(error);
      group.forEach((g) => g.resolve(OFF));
    } finally {
      this.#getting--;
      this.#pump();
    }
  }

  #write(db: SampleStore, entries: Array<[SampleKey, SampleRecord]>): void {
    const bytes = entries.reduce((n, [, record]) => n + record.bytes, 0);
    this.#lastWrite = bounded(db.putMany(entries), 'a cache write').then(
      () => {
        this.#stored.count += entries.length;
        this.#stored.bytes += bytes;
      },
      (error: unknown) => this.#fail(error),
    );
  }

  /** Turns the cache off with the notice that fits `error`. */
  #fail(error: unknown): void {
    const e = error as { name?: string; message?: string };
    const db = `IndexedDB "${SAMPLE_CACHE_DB.name}"`;
    let why = `${db} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
    let fix = 'call `clearSampleCache()`';
    if (e?.name === 'QuotaExceededError') {
      why = "the browser's storage quota is full (QuotaExceededError)";
      fix = 'free disk space, or call `clearSampleCache()`';
    } else if (error instanceof CacheUnavailableError) {
      fix = {
        unsupported: "use `cache: 'none'` here",
        blocked: 'close the other tabs of this page and reload',
        version: `update Feedline, or delete ${db} in the browser's devtools`,
        timeout: 'reload the page; if it persists, call `clearSampleCache()`',
        lost: 'reload the page',
        failed: 'reload the page; if it persists, call `clearSampleCache()`',
      }[error.kind];
      why = error.message;
    }
    this.#turnOff(notice(this.where, why, fix));
  }

  /** Off for good: pending gets miss, queued writes are dropped, the connection closes. */
  #turnOff(notice: string | null): void {
    if (this.#off) return;
    this.#off = true;
    this.#notice = notice;
    this.#puts = [];
    this.#ahead.clear();
    for (const g of this.#gets.splice(0)) g.resolve(OFF);
    void this.#db?.then((db) => db?.close());
  }
}

const notice = (where: string, why: string, fix: string) =>
  `\`DataLoader\` option \`cache: 'indexeddb'\` is off in ${where}: ${why}. Loading goes on without the cache; ${fix}.`;

const OFF_LOOKUP: Lookup = { key: null, found: OFF };

function valid(record: SampleRecord | undefined, image: ResolvedOptions['image']): record is SampleRecord {
  const { width, height, channels } = image;
  return !!record && record.channels === channels && record.pixels instanceof Uint8Array && record.pixels.length === width * height * channels;
}

/** `promise`, or a CacheUnavailableError after CACHE_OP_TIMEOUT_MS: every wait on IndexedDB has a bound. */
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CacheUnavailableError('timeout', `${what} took longer than ${CACHE_OP_TIMEOUT_MS} ms`)),
      CACHE_OP_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
