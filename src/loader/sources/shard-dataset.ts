/**
 * A manifest split in shard form (shard-manifest.ts) as a dataset's samples:
 * sample i is the i-th sample of the split, shard 0's first, named
 * "<shard url>#<key>". With an index in the manifest nothing is fetched here;
 * without one, each shard is fetched once and its tar headers read, so the
 * dataset knows its length (the loader fetches the shards again for pixels,
 * and `stats().shards.indexed` says false).
 */
import type { DatasetItem } from '../dataset.ts';
import { DEFAULT_SHARD_CACHE_BYTES } from '../options.ts';
import { ManifestError } from './manifest.ts';
import { resolveShards, type ShardSplit } from './shard-manifest.ts';
import { ShardStore } from './shard-store.ts';
import { sampleName, type GroupedSample, type ShardSample } from './webdataset.ts';

/** One shard of a dataset. */
export interface LayoutShard {
  url: string;
  /** Its size: declared by the manifest's index, or as fetched for the headers. */
  bytes: number;
  /** The manifest's index; null: the loader reads the tar headers. */
  samples: readonly ShardSample[] | null;
}

/** Where each sample of a shard dataset lies. Sample i is in shard `shardOf[i]`, under `keys[i]`. */
export interface ShardLayout {
  shards: readonly LayoutShard[];
  /** Whether the manifest carries the index (else it was read from the tar headers). */
  indexed: boolean;
  shardOf: Int32Array;
  keys: readonly string[];
  /** Per sample: its image's offset and length in its shard (the fingerprint covers them). */
  offsets: Float64Array;
  lengths: Float64Array;
  /** Samples per shard, in shard order. */
  counts: readonly number[];
}

export interface LoadedShardSplit {
  items: DatasetItem[];
  /** index -> problem, for samples that cannot load whatever the bytes (no key, no label, no image). */
  invalid: Map<number, string>;
  layout: ShardLayout;
}

/** Shards whose headers are read at once, for a split without an index. */
const HEADER_FETCHES = 4;

/**
 * The samples of a shard split. `problems`: the manifest checker's, by
 * position in the split (checkShardSplit). Throws a ManifestError naming the
 * shard when a shard without an index cannot be read.
 */
export async function loadShardSplit(
  split: ShardSplit,
  manifestUrl: string,
  classCount: number,
  problems: ReadonlyMap<number, string>,
): Promise<LoadedShardSplit> {
  const resolved = resolveShards(split, manifestUrl);
  const indexed = resolved.every((s) => s.samples !== null);
  const shards: HeaderShard[] = indexed
    ? resolved.map((s) => ({ url: s.url, bytes: s.bytes!, samples: s.samples, found: s.samples! }))
    : await readHeaders(resolved.map((s) => s.url), manifestUrl, classCount);
  const counts = shards.map((s) => s.found.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const keys: string[] = [];
  const layout: ShardLayout = {
    shards: shards.map(({ url, bytes, samples }) => ({ url, bytes, samples })),
    indexed,
    shardOf: new Int32Array(total),
    keys,
    offsets: new Float64Array(total),
    lengths: new Float64Array(total),
    counts,
  };
  const items: DatasetItem[] = [];
  const invalid = new Map(problems);
  shards.forEach((shard, s) => {
    // An invalid index entry (reported in `problems`) may lack any field: read it defensively.
    for (const sample of shard.found as ReadonlyArray<Partial<GroupedSample> | null>) {
      const i = items.length;
      const key = typeof sample?.key === 'string' ? sample.key : '';
      layout.shardOf[i] = s;
      layout.offsets[i] = Number(sample?.offset) || 0;
      layout.lengths[i] = Number(sample?.length) || 0;
      keys.push(key);
      items.push({ src: sampleName(shard.url, key), label: Number.isInteger(sample?.label) ? sample!.label! : -1 });
      if (sample?.problem && !invalid.has(i)) invalid.set(i, `${sampleName(shard.url, key)}: ${sample.problem}`);
    }
  });
  return { items, invalid, layout };
}

/** A shard and its samples as found: the manifest's index, or its tar headers. */
type HeaderShard = LayoutShard & { found: readonly GroupedSample[] };

/** Fetches each shard once and reads its samples from the tar headers. */
async function readHeaders(urls: string[], manifestUrl: string, classCount: number): Promise<HeaderShard[]> {
  // The budget bounds each shard's size (a shard without an index declares none); close() drops them all.
  const store = new ShardStore({ classCount, maxInFlight: HEADER_FETCHES, budgetBytes: DEFAULT_SHARD_CACHE_BYTES });
  try {
    return await Promise.all(
      urls.map(async (url) => {
        try {
          const index = await store.readIndex({ url });
          return { url, bytes: index.bytes, samples: null, found: index.samples };
        } catch (error) {
          throw new ManifestError(manifestUrl, `its shard ${url} has no index in the manifest, and its tar headers could not be read: ${(error as Error).message}`, error);
        }
      }),
    );
  } finally {
    store.close();
  }
}
