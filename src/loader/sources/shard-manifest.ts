/**
 * The shard form of a manifest's split: samples packed in tar shards
 * (WebDataset's convention, see webdataset.ts) instead of one file each.
 *
 *   { "shards": [{ "url": "train-000000.tar", "bytes": 4198400,
 *                  "samples": [{ "key": "00042", "offset": 1536, "length": 311, "type": "image/png", "label": 5 }] }] }
 *
 * With `samples`, each shard carries its index (like MosaicML MDS's offset
 * table): where each sample's image lies, so a sample is a slice of the
 * shard without reading its tar headers. Without one, the split names the
 * shards only, as a brace pattern or a list, and the loader reads the tar
 * headers once to find the samples:
 *
 *   { "shards": "train-{000000..000003}.tar" }      { "shards": ["a.tar", "b.tar"] }
 *
 * URLs resolve against the manifest's URL. Checked here as manifest.ts checks
 * the per-file form: a problem with a whole shard refuses the manifest, a
 * problem with one sample (a label outside `classes`, no key, a key repeated
 * in its shard, bytes past the shard's end) is that sample's, found by its
 * position in the split (shard 0's samples first).
 */
import { SHARD_IMAGE_TYPES, expandBraces, type ShardSample } from './webdataset.ts';

export type { ShardSample };

/** One shard with its index. */
export interface ShardEntry {
  /** Relative to the manifest's URL. */
  url: string;
  /** The shard's size in bytes. */
  bytes: number;
  samples: ShardSample[];
}

/** A split packed in shards: indexed, or named by a brace pattern or a list (read from the tar headers). */
export interface ShardSplit {
  /** Indexed shards, or a brace pattern, or a list of URLs and patterns. */
  shards: ShardEntry[] | string | string[];
}

/** One shard as the loader sees it: an absolute URL, and its index where the manifest has one. */
export interface ResolvedShard {
  url: string;
  /** Declared size; null without an index. */
  bytes: number | null;
  /** The index; null when the loader must read the tar headers. */
  samples: ShardSample[] | null;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const shown = (v: unknown) => String(JSON.stringify(v) ?? v);
const IMAGE_TYPES = new Set(Object.values(SHARD_IMAGE_TYPES));

export function isShardSplit(value: unknown): value is ShardSplit {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'shards' in value;
}

/**
 * Checks one shard split. `fail` refuses the manifest; `report` records a
 * sample's problem by its position in the split.
 */
export function checkShardSplit(
  value: ShardSplit,
  split: string,
  classCount: number,
  fail: (problem: string) => never,
  report: (index: number, problem: string) => void,
): void {
  const path = `splits.${split}.shards`;
  const at = `"${path}"`;
  const { shards } = value;
  if (typeof shards === 'string') return void checkPattern(shards, at, fail);
  if (!Array.isArray(shards) || shards.length === 0) {
    fail(`${at} must be a brace pattern ("train-{000000..000009}.tar"), a non-empty list of URLs, or a non-empty list of { url, bytes, samples }`);
  }
  const list = shards as unknown[];
  if (list.every((s) => typeof s === 'string')) return list.forEach((s, i) => checkPattern(s as string, `"${path}[${i}]"`, fail));
  const urls = new Map<string, number>();
  let first = 0; // position in the split of this shard's first sample
  list.forEach((shard, i) => {
    checkShard(shard, `"${path}[${i}]"`, fail);
    const { url, samples } = shard as ShardEntry;
    if (urls.has(url)) fail(`"${path}[${i}]" repeats the url ${shown(url)} of "${path}[${urls.get(url)}]"`);
    urls.set(url, i);
    checkSamples(shard as ShardEntry, `${path}[${i}]`, classCount, (k, problem) => report(first + k, problem));
    first += samples.length;
  });
}

function checkPattern(pattern: string, at: string, fail: (problem: string) => never): void {
  if (pattern === '') fail(`${at} is an empty URL`);
  try {
    expandBraces(pattern);
  } catch (error) {
    fail(`${at}: ${(error as Error).message}`);
  }
}

/** What refuses the manifest: a shard that is not an object, no url, a size that is no size, no samples list. */
function checkShard(shard: unknown, at: string, fail: (problem: string) => never): void {
  if (typeof shard !== 'object' || shard === null || Array.isArray(shard)) {
    fail(`${at} must be an object { url, bytes, samples } (or every shard a URL string), got ${shown(shard)}`);
  }
  const { url, bytes, samples } = shard as Record<string, unknown>;
  if (typeof url !== 'string' || url === '') fail(`${at} has no "url" (a non-empty string)`);
  if (!isCount(bytes)) fail(`${at} (${url}) has "bytes" ${shown(bytes)}, not a byte count`);
  if (!Array.isArray(samples)) fail(`${at} (${url}) has no "samples" list (its index); drop "bytes" too to let the loader read the tar headers`);
}

/** A sample's first problem goes to `report` with its position in the shard; a repeated key is the later one's. */
function checkSamples(shard: ShardEntry, path: string, classCount: number, report: (k: number, problem: string) => void): void {
  const seen = new Map<string, number>();
  shard.samples.forEach((sample: unknown, k) => {
    const where = `"${path}.samples[${k}]"`;
    if (typeof sample !== 'object' || sample === null) return report(k, `${where} must be an object { key, offset, length, type, label }, got ${shown(sample)}`);
    const { key, offset, length, type, label } = sample as Record<string, unknown>;
    if (typeof key !== 'string' || key === '') return report(k, `${where} has no "key" (a non-empty string)`);
    const named = `${where} (${shard.url}#${key})`;
    if (!isCount(offset) || !isCount(length) || length === 0) {
      return report(k, `${named} has offset ${shown(offset)} and length ${shown(length)}: both must be byte counts, the length above 0`);
    }
    if (offset + length > shard.bytes) {
      return report(k, `${named} ends at byte ${offset + length}, past the shard's ${shard.bytes} bytes`);
    }
    if (typeof type !== 'string' || !IMAGE_TYPES.has(type)) {
      return report(k, `${named} has type ${shown(type)}, not one of ${[...IMAGE_TYPES].join(', ')}`);
    }
    if (!Number.isInteger(label) || (label as number) < 0 || (label as number) >= classCount) {
      return report(k, `${named} has label ${shown(label)}, outside the ${classCount} classes (0..${classCount - 1})`);
    }
    const before = seen.get(key);
    if (before !== undefined) return report(k, `${named} repeats the key of "${path}.samples[${before}]"`);
    seen.set(key, k);
  });
}

/**
 * The split's shards with absolute URLs (resolved against `manifestUrl`),
 * a pattern expanded. Call after checkShardSplit.
 */
export function resolveShards(split: ShardSplit, manifestUrl: string): ResolvedShard[] {
  const absolute = (url: string) => new URL(url, manifestUrl).href;
  const { shards } = split;
  const unindexed = (pattern: string): ResolvedShard[] => expandBraces(pattern).map((url) => ({ url: absolute(url), bytes: null, samples: null }));
  if (typeof shards === 'string') return unindexed(shards);
  return shards.flatMap((shard) =>
    typeof shard === 'string' ? unindexed(shard) : [{ url: absolute(shard.url), bytes: shard.bytes, samples: shard.samples }],
  );
}
