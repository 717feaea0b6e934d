/**
 * Checks a fetched shard's samples from the bytes already in memory, once,
 * when the shard arrives: that the index agrees with the tar (each image's
 * offset is a member of that key, of that length, inside the shard), and
 * that each image's header passes the worker's own refusals (decode.ts
 * inspect: text posing as an image, more pixels than `maxPixels`). A sample
 * that passes needs no header read in the worker (its `checked` hint); one
 * that fails carries the failure the loader records for it.
 *
 * Pure: bytes in, verdicts out. No fetch, no Blob.
 */
import { SampleLoadError, type SampleFailureReason } from '../errors.ts';
import { inspectBytes } from '../worker/decode.ts';
import { runNow, type Work } from '../paced.ts';
import { scanTarWork, type TarFormatError, type TarMember } from './tar-index.ts';
import { groupSamples, splitKey, type GroupedSample, type ShardSample } from './webdataset.ts';

/** Why one sample of a shard cannot load: a reason of the loader's (errors.ts) and the story. */
export interface ShardSampleFailure {
  reason: SampleFailureReason;
  message: string;
}

/** The verdicts on one shard: its samples (the index in force) and each one's failure, if any. */
export interface ShardCheck {
  samples: readonly GroupedSample[];
  /** key -> its sample (the first, should the index repeat a key). */
  byKey: ReadonlyMap<string, GroupedSample>;
  /** Where the samples came from: the manifest's index, or the tar headers read here. */
  indexedFrom: 'manifest' | 'headers';
  /** key -> why the sample cannot load; a key absent here passed every check. */
  failures: ReadonlyMap<string, ShardSampleFailure>;
  /** Where the tar headers stopped making sense, if they did: samples past it are lost. */
  tarError: TarFormatError | null;
}

export interface CheckOptions {
  url: string;
  /** The manifest's index; null or absent: read the samples from the tar headers. */
  index?: readonly ShardSample[] | null;
  /** The size the manifest declares, for messages. */
  declaredBytes?: number | null;
  classCount: number;
  maxPixels: number;
}

/** Reads the tar headers and judges every sample of the shard (see the file's comment). */
export function checkShard(bytes: Uint8Array, options: CheckOptions): ShardCheck {
  return runNow(checkShardWork(bytes, options));
}

/** checkShard as work that yields after each header and each sample: the store runs it paced (paced.ts). */
export function* checkShardWork(bytes: Uint8Array, options: CheckOptions): Work<ShardCheck> {
  const scan = yield* scanTarWork(bytes, options.url);
  const indexedFrom = options.index ? 'manifest' : 'headers';
  const samples = options.index ?? groupSamples(scan.members, bytes, options.classCount);
  const byOffset = new Map(scan.members.map((m) => [m.offset, m]));
  const failures = new Map<string, ShardSampleFailure>();
  for (const sample of samples) {
    const failure =
      (sample as GroupedSample).problem !== undefined
        ? { reason: 'manifest' as const, message: (sample as GroupedSample).problem! }
        : (agreement(sample, bytes, byOffset, scan.error, options) ?? header(sample, bytes, options.maxPixels));
    if (failure) failures.set(sample.key, failure);
    yield;
  }
  const byKey = new Map<string, GroupedSample>();
  for (const sample of samples) if (!byKey.has(sample.key)) byKey.set(sample.key, sample);
  return { samples, byKey, indexedFrom, failures, tarError: scan.error };
}

/** Does the index entry point at the member it names, inside the bytes? */
function agreement(
  sample: ShardSample,
  bytes: Uint8Array,
  byOffset: ReadonlyMap<number, TarMember>,
  tarError: TarFormatError | null,
  options: CheckOptions,
): ShardSampleFailure | null {
  const { offset, length, key } = sample;
  const end = offset + length;
  if (end > bytes.length) {
    const declared = options.declaredBytes != null && options.declaredBytes !== bytes.length ? ` (the manifest says ${options.declaredBytes})` : '';
    return source(`the shard is truncated: it has ${bytes.length} bytes${declared}, and the image of "${key}" ends at byte ${end}`);
  }
  const member = byOffset.get(offset);
  if (!member) {
    if (tarError && offset >= tarError.offset) {
      return source(`the shard's tar headers cannot be read from byte ${tarError.offset} on (${tarError.problem}), and the image of "${key}" lies at byte ${offset}`);
    }
    return source(`the index disagrees with the shard: no tar member starts at byte ${offset}, where it says the image of "${key}" is`);
  }
  const memberKey = splitKey(member.name)?.key;
  if (memberKey !== key) {
    return source(`the index disagrees with the shard: the member at byte ${offset} is "${member.name}", not one of key "${key}"`);
  }
  if (member.size !== length) {
    return source(`the index disagrees with the shard: "${member.name}" is ${member.size} bytes, the index says ${length}`);
  }
  return null;
}

/** The worker's header refusals, on the bytes in memory. */
function header(sample: ShardSample, bytes: Uint8Array, maxPixels: number): ShardSampleFailure | null {
  if (sample.length === 0) return source(`the image of "${sample.key}" is empty (0 bytes)`);
  try {
    inspectBytes(bytes.subarray(sample.offset, sample.offset + sample.length), maxPixels);
    return null;
  } catch (error) {
    if (error instanceof SampleLoadError) return { reason: error.reason, message: error.message };
    throw error;
  }
}

const source = (message: string): ShardSampleFailure => ({ reason: 'source', message });
