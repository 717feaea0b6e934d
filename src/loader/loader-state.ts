/**
 * Where a loader is, as small plain JSON: `loader.state()` makes it, and
 * `new DataLoader(dataset, { ...options, resumeFrom: state })` continues from
 * it: that epoch, minus the batches the consumer had received, then the
 * following epochs as if never interrupted (torchdata's StatefulDataLoader,
 * MosaicML Streaming's mid-epoch resumption).
 *
 * An epoch's order depends on (seed, epoch) only (sampler.ts), so a position
 * is the epoch and the set of its batches consumed; nothing about workers or
 * timing. A fingerprint of the dataset and of the options that decide what
 * each batch holds refuses a state from another dataset or other options.
 */
import type { ImageDataset } from './dataset.ts';
import { isItemDataset, type ItemDataset } from './datasets/item-dataset.ts';
import { OptionError, describeSource } from './errors.ts';
import { FNV_OFFSET, FNV_PRIME, fnv1a } from './fnv1a.ts';
import type { ResolvedOptions } from './options.ts';

export const STATE_FORMAT = 'feedline/loader-state';
export const STATE_VERSION = 1;

export interface LoaderState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** The epoch to continue: the one in progress, or the next one when the last finished. */
  epoch: number;
  /** Batches 0 .. consumed - 1 of `epoch` reached the consumer (yielded, or every sample skipped). */
  consumed: number;
  /** Batches past `consumed` that reached it too (with inOrder: false they arrive out of order). */
  alsoConsumed: number[];
  seed: number;
  /** Hash of `basis`, the seed, and every item of the dataset (source and label). */
  fingerprint: string;
  /** What the fingerprint covers, readable, so that a refusal can say what differs. */
  basis: StateBasis;
}

export interface StateBasis {
  dataset: string;
  samples: number;
  /** loader.length: batches per epoch. */
  batches: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  /** e.g. "12x10x3 stretch". */
  image: string;
  /** e.g. "uint8", or "float32 mean [0.5] std [0.25]". */
  dtype: string;
  /** The augmentations as JSON, when there are any: they change every batch's pixels. */
  augment?: string;
  /** A dataset packed in shards: the epoch order in force ('global', 'windowed 2', 'sequential'; shard-feed.ts). */
  order?: string;
}

const digests = new WeakMap<ImageDataset, string>();

/** The datasets a state can belong to (data-loader.ts LoaderDataset). */
type StateDataset = ImageDataset | ItemDataset;

/**
 * A 64-bit digest of every item: its source (a File by name, size, type and
 * date; a shard sample by shard URL and size, key, offset and length) and label.
 */
export function datasetDigest(dataset: StateDataset): string {
  // A tensor dataset hashes its values and labels, a custom one its name, length, shape and args: each computes it once.
  if (isItemDataset(dataset)) return dataset.digest();
  let digest = digests.get(dataset);
  if (digest) return digest;
  let a = FNV_OFFSET;
  let b = FNV_PRIME; // a second, independent lane: 64 bits in all
  const shards = dataset.shards;
  for (let i = 0; i < dataset.length; i++) {
    const source = dataset.source(i);
    const file = source as Blob & { lastModified?: number };
    const id = shards
      ? `${source}|${shards.shards[shards.shardOf[i]].bytes}|${shards.offsets[i]}|${shards.lengths[i]}`
      : typeof source === 'string'
        ? source
        : `${describeSource(source)}|${file.size}|${file.type}|${file.lastModified ?? ''}`;
    const item = `${id}\u0000${dataset.label(i)}\u0001`;
    a = fnv1a(item, a);
    b = fnv1a(item, Math.imul(b ^ i, 0x5bd1e995) >>> 0);
  }
  digest = a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  digests.set(dataset, digest);
  return digest;
}

export function stateBasis(options: ResolvedOptions, dataset: StateDataset, batches: number, order?: string): StateBasis {
  const { width, height, channels, fit } = options.image;
  const { kind, shape } = options.sample;
  const dtype = options.mean ? `float32 mean [${options.mean}] std [${options.std}]` : options.dtype;
  return {
    dataset: dataset.name,
    samples: dataset.length,
    batches,
    batchSize: options.batchSize,
    shuffle: options.shuffle,
    dropLast: options.dropLast,
    image: kind === 'image' ? `${width}x${height}x${channels} ${fit}` : `${kind} [${shape.join(', ')}]`,
    dtype,
    ...(options.augment.length > 0 ? { augment: JSON.stringify(options.augment) } : {}),
    ...(order !== undefined && { order }),
  };
}

export function fingerprintOf(basis: StateBasis, seed: number, dataset: StateDataset): string {
  const text = JSON.stringify([basis, seed, datasetDigest(dataset)]);
  return fnv1a(text).toString(16).padStart(8, '0') + fnv1a(text, 0x9e3779b9).toString(16).padStart(8, '0');
}

/**
 * Which batches of one epoch reached the consumer. Invariant: `prefix` is the
 * smallest batch number not consumed.
 */
export class EpochProgress {
  readonly #done: Uint8Array;
  #prefix = 0;

  constructor(
    readonly batches: number,
    consumed: Iterable<number> = [],
  ) {
    this.#done = new Uint8Array(batches);
    for (const batch of consumed) this.mark(batch);
  }

  mark(batch: number): void {
    this.#done[batch] = 1;
    while (this.#prefix < this.batches && this.#done[this.#prefix]) this.#prefix++;
  }

  has(batch: number): boolean {
    return this.#done[batch] === 1;
  }

  get prefix(): number {
    return this.#prefix;
  }

  /** Consumed batches past the prefix, ascending. */
  extras(): number[] {
    const out: number[] = [];
    for (let k = this.#prefix + 1; k < this.batches; k++) if (this.#done[k]) out.push(k);
    return out;
  }

  get complete(): boolean {
    return this.#prefix === this.batches;
  }
}

function refuse(problem: string): never {
  throw new OptionError(`\`DataLoader\` option \`resumeFrom\` ${problem}`);
}

const SAME_RULE =
  'A state resumes only the same dataset with the same batchSize, shuffle, seed, dropLast, image, dtype and augment ' +
  '(numWorkers, prefetchFactor, inOrder and the error options may differ): pass those options, or drop `resumeFrom` to start over.';

/**
 * Checks `state` against this loader; returns the epoch to run and its
 * consumed batches. Refuses, with an OptionError saying what differs, a
 * value that is not a state, or one from another dataset or other options.
 */
export function checkResume(
  state: unknown,
  expected: { basis: StateBasis; seed: number; fingerprint: string },
): { epoch: number; consumed: number[] } {
  const s = state as Partial<LoaderState> | null;
  if (typeof s !== 'object' || s === null || s.format !== STATE_FORMAT || s.version !== STATE_VERSION) {
    const got = typeof s === 'object' && s !== null ? `format ${JSON.stringify(s.format)}, version ${JSON.stringify(s.version)}` : String(s);
    refuse(`must be what \`loader.state()\` returned (format "${STATE_FORMAT}", version ${STATE_VERSION}); got ${got}`);
  }
  const { basis } = expected;
  const saved = (s.basis ?? {}) as Partial<StateBasis>;
  if (saved.dataset !== basis.dataset || saved.samples !== basis.samples) {
    refuse(
      `was saved for dataset "${saved.dataset}" of ${saved.samples} samples, not "${basis.dataset}" of ${basis.samples}. ${SAME_RULE}`,
    );
  }
  const keys = ['batchSize', 'shuffle', 'dropLast', 'image', 'dtype', 'augment', 'order'] as const;
  const differ = keys.filter((k) => saved[k] !== basis[k]).map((k) => `${k} ${JSON.stringify(saved[k])} (now ${JSON.stringify(basis[k])})`);
  if (s.seed !== expected.seed) differ.push(`seed ${s.seed} (now ${expected.seed})`);
  if (differ.length > 0) refuse(`was saved with other options: ${differ.join(', ')}. ${SAME_RULE}`);
  if (s.fingerprint !== expected.fingerprint) {
    refuse(
      `was saved for a dataset named "${basis.dataset}" of ${basis.samples} samples whose sources or labels differ from this one's ` +
        `(fingerprint ${s.fingerprint}, now ${expected.fingerprint}). ${SAME_RULE}`,
    );
  }
  const { epoch, consumed, alsoConsumed } = s;
  if (!Number.isInteger(epoch) || epoch! < 0) refuse(`has epoch ${epoch}: it must be an integer from 0`);
  const inRange = (k: unknown) => Number.isInteger(k) && (k as number) >= 0 && (k as number) <= basis.batches;
  if (!inRange(consumed)) refuse(`has consumed ${consumed}: it must be an integer from 0 to ${basis.batches} (batches per epoch)`);
  if (!Array.isArray(alsoConsumed) || !alsoConsumed.every((k) => inRange(k) && k < basis.batches)) {
    refuse(`has alsoConsumed ${JSON.stringify(alsoConsumed)}: it must list batch numbers below ${basis.batches}`);
  }
  const all = [...Array.from({ length: consumed! }, (_, k) => k), ...alsoConsumed];
  return { epoch: epoch!, consumed: all };
}

/** The state for a position: `epoch` and its progress (null: nothing consumed yet). */
export function makeState(
  epoch: number,
  progress: EpochProgress | null,
  expected: { basis: StateBasis; seed: number; fingerprint: string },
): LoaderState {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    epoch,
    consumed: progress?.prefix ?? 0,
    alsoConsumed: progress?.extras() ?? [],
    seed: expected.seed,
    fingerprint: expected.fingerprint,
    basis: { ...expected.basis },
  };
}
