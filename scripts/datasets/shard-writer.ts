/**
 * Packs samples into WebDataset tar shards with an index: what `npm run
 * pack` and the bundled-dataset generators write. Each sample is two members,
 * `<key>.cls` (the class index as text) then `<key>.<ext>` (the image), in
 * WebDataset's order (its TarWriter sorts a sample's extensions). A shard is
 * closed before the sample that would take it past `shardBytes`, so shards
 * hold whole samples; one sample larger than that gets a shard of its own.
 *
 * The index is read back from the written bytes with the loader's own tar
 * reader, so a shard the loader cannot index is never written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAR_BLOCK, indexTar } from '../../src/loader/sources/tar-index.ts';
import { groupSamples } from '../../src/loader/sources/webdataset.ts';
import type { ShardEntry } from '../../src/loader/sources/shard-manifest.ts';
import type { Manifest } from '../../src/loader/sources/manifest.ts';
import { writeManifest } from './manifest-writer.ts';
import { writeTar, type TarEntry } from './tar-writer.ts';

export interface PackSample {
  /** WebDataset key: no dot, unique in the set. */
  key: string;
  /** The image's extension, lower case: png, jpg, webp, gif... */
  ext: string;
  image: Uint8Array;
  label: number;
}

export interface PackedShard {
  /** File name: `<prefix>-000000.tar`. */
  name: string;
  bytes: Uint8Array;
  /** The manifest's entry, its url the file name. */
  entry: ShardEntry;
}

/** A sensible shard size for a browser: one request each, small enough that the first batch comes soon. */
export const DEFAULT_SHARD_BYTES = 16 * 1024 * 1024;

const memberBytes = (length: number) => TAR_BLOCK + Math.ceil(length / TAR_BLOCK) * TAR_BLOCK;
/** A sample's share of a shard: two headers, the image and the label, each padded to a block. */
const sampleBytes = (sample: PackSample) => memberBytes(String(sample.label).length) + memberBytes(sample.image.length);

/** Cuts `samples` (in order) into shards of about `shardBytes`; pure, no files. */
export function packShards(samples: readonly PackSample[], prefix: string, shardBytes: number, classCount: number): PackedShard[] {
  const groups: PackSample[][] = [];
  let size = 0;
  for (const sample of samples) {
    if (sample.key.includes('.') || sample.key === '') throw new RangeError(`\`packShards\`: key ${JSON.stringify(sample.key)} must be non-empty and have no dot`);
    const bytes = sampleBytes(sample);
    if (groups.length === 0 || (size + bytes > shardBytes && groups[groups.length - 1].length > 0)) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1].push(sample);
    size += bytes;
  }
  return groups.map((group, i) => {
    const name = `${prefix}-${String(i).padStart(6, '0')}.tar`;
    const entries: TarEntry[] = group.flatMap((s) => [
      { name: `${s.key}.cls`, data: new TextEncoder().encode(String(s.label)) },
      { name: `${s.key}.${s.ext}`, data: s.image },
    ]);
    const bytes = writeTar(entries);
    const index = groupSamples(indexTar(bytes, name), bytes, classCount);
    const bad = index.find((s) => s.problem);
    if (bad || index.length !== group.length) {
      throw new Error(`\`packShards\`: ${name} does not read back as written: ${bad ? `${bad.key}: ${bad.problem}` : `${index.length} samples, not ${group.length}`}`);
    }
    const entry: ShardEntry = { url: name, bytes: bytes.length, samples: index.map(({ key, offset, length, type, label }) => ({ key, offset, length, type, label })) };
    return { name, bytes, entry };
  });
}

/** Writes each shard's file into `out`; returns the bytes written. */
export function writeShardFiles(out: string, shards: readonly PackedShard[]): number {
  let total = 0;
  for (const shard of shards) {
    writeFileSync(join(out, shard.name), shard.bytes);
    total += shard.bytes.length;
  }
  return total;
}

/**
 * A dataset's shard variant: `<dir>/<split>-000000.tar`... and
 * `<dir>/manifest.json` with the index, `header` as the per-file manifest's.
 * Returns the bytes of shards written.
 */
export function writeShardDataset(
  dir: string,
  header: Omit<Manifest, 'splits'>,
  splits: Record<string, readonly PackSample[]>,
  shardBytes: number,
): number {
  mkdirSync(dir, { recursive: true });
  let total = 0;
  const manifestSplits: Manifest['splits'] = {};
  for (const [split, samples] of Object.entries(splits)) {
    const shards = packShards(samples, split, shardBytes, header.classes.length);
    total += writeShardFiles(dir, shards);
    manifestSplits[split] = { shards: shards.map((s) => s.entry) };
  }
  writeManifest(dir, { ...header, splits: manifestSplits });
  return total;
}
