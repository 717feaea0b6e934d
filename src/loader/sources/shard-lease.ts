/**
 * A lease on a shard the ShardStore holds (shard-store.ts): while it is held
 * the shard stays in memory, and each of its samples is handed out as a File
 * over a slice of the shard's Blob (no copy), or as the failure its checks
 * found (shard-check.ts).
 */
import { FeedlineError } from '../errors.ts';
import type { ShardCheck, ShardSampleFailure } from './shard-check.ts';
import type { ShardError } from './shard-fetch.ts';
import { sampleName, type GroupedSample, type ShardSample } from './webdataset.ts';

/** One sample of a leased shard. */
export type ShardSampleResult =
  /** `file`: the image bytes, a slice of the shard, named `source`; its header passed the checks. */
  | { ok: true; source: string; file: File; cacheKey: string }
  | ({ ok: false; source: string } & ShardSampleFailure);

/** What the store knows of one shard; a lease reads it. */
export interface LoadedShard {
  readonly url: string;
  /** The shard's Blob once it is ready; null while it loads or after it failed. */
  readonly blob: Blob | null;
  /** Its size in bytes once ready. */
  readonly size: number;
  readonly check: ShardCheck | null;
  /** Set when the whole shard failed. */
  readonly failure: ShardError | null;
  /** key -> the File handed out for it, so every epoch gets the same object. */
  readonly files: Map<string, File>;
}

/** A pinned shard: read its samples, then release it (once; later calls do nothing). */
export class ShardLease {
  readonly #entry: LoadedShard;
  readonly #unpin: () => void;
  #released = false;

  /** Made by ShardStore.acquire only. */
  constructor(entry: LoadedShard, unpin: () => void) {
    this.#entry = entry;
    this.#unpin = unpin;
  }

  get url(): string {
    return this.#entry.url;
  }

  /** The shard's size in bytes as fetched; 0 for a shard that failed. */
  get bytes(): number {
    return this.#entry.size;
  }

  /** The index in force: the manifest's, or read from the tar headers. Empty for a shard that failed. */
  get samples(): readonly GroupedSample[] {
    return this.#entry.check?.samples ?? [];
  }

  get indexedFrom(): 'manifest' | 'headers' | null {
    return this.#entry.check?.indexedFrom ?? null;
  }

  /** Set when the whole shard failed (404, network, timeout, too large): every sample fails with it. */
  get failure(): ShardError | null {
    return this.#entry.failure;
  }

  /** Sample `key`'s image as a File named "<shard url>#<key>", or why it cannot load. */
  sample(key: string): ShardSampleResult {
    if (this.#released) throw new FeedlineError(`\`ShardLease.sample\`: the lease on ${this.url} was released; acquire the shard again`);
    const { url, failure, check, blob, files, size } = this.#entry;
    const source = sampleName(url, key);
    if (failure) return { ok: false, source, reason: failure.reason, message: failure.message };
    const refused = check!.failures.get(key);
    if (refused) return { ok: false, source, ...refused };
    const sample = check!.byKey.get(key);
    if (!sample) return { ok: false, source, reason: 'source', message: `the shard ${url} has no sample with key "${key}"` };
    let file = files.get(key);
    if (!file) {
      // A File over a slice: no copy, and its name names the sample wherever a source is described.
      file = new File([blob!.slice(sample.offset, sample.offset + sample.length, sample.type)], source, { type: sample.type, lastModified: 0 });
      files.set(key, file);
    }
    return { ok: true, source, file, cacheKey: shardCacheKey(url, size, sample) };
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#unpin();
  }
}

/** The sample cache's key for a shard sample: the shard's URL and size, the image's offset and length. */
export function shardCacheKey(url: string, shardBytes: number, sample: Pick<ShardSample, 'offset' | 'length'>): string {
  return `shard:${JSON.stringify([url, shardBytes, sample.offset, sample.length])}`;
}

