/**
 * The decoded-sample cache's database: the only module that talks to
 * IndexedDB (through idb). Each worker, and the main thread for numWorkers 0,
 * opens its own connection; cached-reader.ts decides when to read and write.
 *
 * Database "feedline-sample-cache", schema version 2:
 *
 * | store     | key                          | value                          | index            |
 * |-----------|------------------------------|--------------------------------|------------------|
 * | `samples` | [fingerprint, source key]    | { pixels, width, height, channels, bytes } | `bytes` (bytes) |
 *
 * Keys come from fingerprint.ts, values from sample-pack.ts. `bytes` is indexed so the cache's size can be
 * summed from index keys alone, without loading a single pixel.
 *
 * Schema history and the upgrade path:
 * - 1: any layout before this one (version 1 stands for pre-release and
 *   foreign layouts; the tests make one). Dropped on upgrade: a cache can
 *   always be refilled, and guessing at an unknown layout could serve wrong
 *   pixels.
 * - 2: the table above.
 * A database of a newer version (written by a newer Feedline) cannot be opened
 * at version 2: the open fails with a VersionError, and the cache stays off.
 *
 * Must hold for every transaction here (else it commits early or fails unseen):
 * - nothing but IDB requests is awaited while it is open (an idb transaction
 *   commits once its microtasks drain);
 * - `tx.done` is always awaited, so an abort (QuotaExceededError) rejects the
 *   caller instead of going unnoticed;
 * - every request's promise is awaited with it (Promise.all), so a failed
 *   request is never an unhandled rejection.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { FeedlineError } from '../errors.ts';

export const SAMPLE_CACHE_DB = { name: 'feedline-sample-cache', version: 2 } as const;

/**
 * Bound on opening the database. A blocked open fails at once, at its
 * `blocked` event; but an open queued behind another blocked one (a second
 * worker's) gets no event at all, and the first reads of its producer wait
 * for it: so the bound is short. A healthy open takes milliseconds.
 */
export const OPEN_TIMEOUT_MS = 3_000;

export type SampleKey = [fingerprint: string, source: string];

export interface SampleRecord {
  /** width * height * channels bytes (sample-pack.ts). */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** pixels.byteLength; indexed, for sampleCacheInfo(). */
  bytes: number;
}

interface CacheSchema extends DBSchema {
  samples: { key: SampleKey; value: SampleRecord; indexes: { bytes: number } };
}

export interface SampleCacheInfo {
  /** Samples stored, over every fingerprint. */
  entries: number;
  /** Their pixel bytes (what IndexedDB holds on disk may differ: it compresses). */
  bytes: number;
}

/** Why the cache cannot be used; `kind` picks the notice the loader shows. */
export class CacheUnavailableError extends FeedlineError {
  override name = 'CacheUnavailableError';
  constructor(
    readonly kind: 'unsupported' | 'blocked' | 'version' | 'timeout' | 'lost' | 'failed',
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

export interface OpenOptions {
  timeoutMs?: number;
  /**
   * Called once if the open connection goes away later: another connection
   * asked for a newer version or a deletion (we close at once rather than
   * block it), or the browser closed the database.
   */
  onLost?: (error: CacheUnavailableError) => void;
}

/**
 * Opens (creating or upgrading) the cache database. Rejects with a
 * CacheUnavailableError, never hangs: a blocked open fails at its `blocked`
 * event, anything else after `timeoutMs`. A connection that opens after its
 * caller gave up is closed at once.
 */
export function openSampleCache({ timeoutMs = OPEN_TIMEOUT_MS, onLost }: OpenOptions = {}): Promise<SampleCache> {
  const { name, version } = SAMPLE_CACHE_DB;
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new CacheUnavailableError('unsupported', 'IndexedDB is not available here'));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: CacheUnavailableError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new CacheUnavailableError('timeout', `opening IndexedDB "${name}" took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
    openDB<CacheSchema>(name, version, {
      upgrade: upgradeSchema,
      blocked: (current) =>
        fail(
          new CacheUnavailableError(
            'blocked',
            `another connection (another tab?) holds version ${current} of IndexedDB "${name}" open and does not close it`,
          ),
        ),
      blocking: (_current, wanted, event) => {
        (event.target as IDBDatabase).close();
        const what = wanted === null ? 'to delete it' : `version ${wanted}`;
        onLost?.(new CacheUnavailableError('lost', `another connection asked for ${what} of IndexedDB "${name}"`));
      },
      terminated: () => onLost?.(new CacheUnavailableError('lost', `the browser closed IndexedDB "${name}"`)),
    }).then(
      (db) => {
        if (settled) return db.close(); // the caller gave up (blocked, timed out) before it opened
        settled = true;
        clearTimeout(timer);
        resolve(new SampleCache(db));
      },
      (error: unknown) => fail(classifyOpenError(error)),
    );
  });
}

/**
 * upgrade callback: runs inside the versionchange transaction, so it may only
 * make synchronous schema calls. From any older version: drop every store
 * (see the history above), then build version 2.
 */
function upgradeSchema(db: IDBPDatabase<CacheSchema>, oldVersion: number): void {
  if (oldVersion < 2) {
    const untyped = db as unknown as IDBPDatabase;
    for (const store of [...untyped.objectStoreNames]) untyped.deleteObjectStore(store);
    const samples = db.createObjectStore('samples');
    samples.createIndex('bytes', 'bytes');
  }
}

function classifyOpenError(error: unknown): CacheUnavailableError {
  const { name } = SAMPLE_CACHE_DB;
  const e = error as { name?: string; message?: string };
  if (e?.name === 'VersionError') {
    return new CacheUnavailableError(
      'version',
      `IndexedDB "${name}" was written by a newer Feedline (schema newer than ${SAMPLE_CACHE_DB.version})`,
      error,
    );
  }
  return new CacheUnavailableError('failed', `opening IndexedDB "${name}" failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, error);
}

/** What the cache's reader needs of a connection (tests give it an in-memory one). */
export interface SampleStore {
  getMany(keys: readonly SampleKey[]): Promise<Array<SampleRecord | undefined>>;
  putMany(entries: ReadonlyArray<readonly [SampleKey, SampleRecord]>): Promise<void>;
  close(): void;
}

/** One open connection. Every method is one transaction. */
export class SampleCache implements SampleStore {
  constructor(readonly db: IDBPDatabase<CacheSchema>) {}

  /** The records under `keys`, in order; undefined where there is none. */
  async getMany(keys: readonly SampleKey[]): Promise<Array<SampleRecord | undefined>> {
    const tx = this.db.transaction('samples', 'readonly');
    const [records] = await Promise.all([Promise.all(keys.map((key) => tx.store.get(key))), tx.done]);
    return records;
  }

  /** Stores every entry in one transaction; rejects if it aborts (QuotaExceededError). */
  async putMany(entries: ReadonlyArray<readonly [SampleKey, SampleRecord]>): Promise<void> {
    const tx = this.db.transaction('samples', 'readwrite');
    await Promise.all([...entries.map(([key, record]) => tx.store.put(record, key)), tx.done]);
  }

  async info(): Promise<SampleCacheInfo> {
    const tx = this.db.transaction('samples', 'readonly');
    let entries = 0;
    let bytes = 0;
    // A key cursor over the index reads each record's size, never its pixels.
    for (let cursor = await tx.store.index('bytes').openKeyCursor(); cursor; cursor = await cursor.continue()) {
      entries++;
      bytes += cursor.key;
    }
    await tx.done;
    return { entries, bytes };
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction('samples', 'readwrite');
    await Promise.all([tx.store.clear(), tx.done]);
  }

  close(): void {
    this.db.close();
  }
}

async function withCache<T>(api: string, task: (cache: SampleCache) => Promise<T>): Promise<T> {
  let cache: SampleCache;
  try {
    cache = await openSampleCache();
  } catch (error) {
    throw new CacheUnavailableError(
      error instanceof CacheUnavailableError ? error.kind : 'failed',
      `\`${api}\`: ${(error as Error).message}; close other tabs of this page and try again`,
      error,
    );
  }
  try {
    return await task(cache);
  } finally {
    cache.close();
  }
}

/** How many samples the cache holds and their bytes, over every loader and option set. */
export function sampleCacheInfo(): Promise<SampleCacheInfo> {
  return withCache('sampleCacheInfo()', (cache) => cache.info());
}

/**
 * Empties the cache. Loaders running now keep going: their next reads miss
 * and store again.
 */
export function clearSampleCache(): Promise<void> {
  return withCache('clearSampleCache()', (cache) => cache.clear());
}
