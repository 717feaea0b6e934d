/**
 * DataLoader options: the public shape, the defaults (PyTorch's where a
 * counterpart exists), and validation with messages that say what to do.
 */
import type { DeclaredShape } from './dataset.ts';
import type { LoaderState } from './loader-state.ts';
import type { PixelDType } from './ring.ts';
import { NO_IMAGE, refuseImageOptions, sampleElements, type DatasetKind, type ResolvedSample, type SampleDeclaration } from './sample-shape.ts';
export { sampleElements, type DatasetKind, type ResolvedSample, type SampleDeclaration };
import { resolveAugment, type Augmentation, type ResolvedAugmentation } from './augment/spec.ts';
import { autotuneRange, type AutotuneRange } from './autotune.ts';
import { MAX_TIMEOUT_MS, boundedMs, count, fail, positiveInt } from './option-checks.ts';

export type Fit = 'stretch' | 'cover' | 'contain';
export type Channels = 1 | 3 | 4;

/** What to do with a sample that cannot be loaded. */
export type OnError = 'raise' | 'skip' | { retry: number; then: 'raise' | 'skip' };

export interface ImageOptions {
  width: number;
  height: number;
  channels: Channels;
  /**
   * How the source fills width x height: 'stretch' scales to it, 'cover' scales
   * and center-crops (torchvision's Resize + CenterCrop), 'contain' scales to
   * fit inside and pads with zeros.
   */
  fit: Fit;
}

export interface Normalize {
  /** Per channel (or one for all), on the 0..1 scale as in torchvision. */
  mean: number | number[];
  std: number | number[];
}

export interface DataLoaderOptions {
  /** Samples per batch. Default 1, as in PyTorch. */
  batchSize?: number;
  shuffle?: boolean;
  /** With shuffle, the order of epoch e is a function of (seed, e) only. Its low 32 bits are used. */
  seed?: number;
  /** Worker threads; 0 loads on the main thread (the no-prefetch baseline); 'auto' tunes it while running (autotune.ts). */
  numWorkers?: number | 'auto';
  /** Batches in flight per worker; ring slots = max(2, numWorkers * prefetchFactor); 'auto' tunes it. */
  prefetchFactor?: number | 'auto';
  dropLast?: boolean;
  /** true: batches come in sampler order; false: as soon as each is ready. */
  inOrder?: boolean;
  /** Per-sample bound in ms (fetch plus decode); 0 means none. */
  timeoutMs?: number;
  onError?: OnError;
  /** Output size; defaults to the size the dataset declares. */
  image?: Partial<ImageOptions>;
  /** 'uint8' (default) keeps bytes; 'float32' scales to 0..1 and applies `normalize`. */
  dtype?: PixelDType;
  normalize?: Normalize;
  /**
   * Random transforms run in the workers after decoding, before channels,
   * dtype and normalize, with torchvision's names and parameters, e.g.
   * `[{ type: 'RandomResizedCrop' }, { type: 'RandomHorizontalFlip' }]`.
   * Each sample draws from (seed, epoch, index), so batches are the same for
   * any numWorkers; each epoch draws anew. Not with `cache: 'indexeddb'`.
   */
  augment?: Augmentation[];
  /** Decodes each worker keeps in flight at once (Chromium decodes on its own threads). */
  decodeConcurrency?: number;
  /**
   * 'indexeddb' keeps decoded, resized samples in IndexedDB, so later epochs
   * (and later loaders, and page reloads) skip fetch and decode. Default 'none'.
   */
  cache?: CacheMode;
  /**
   * Largest image accepted, in pixels (width * height). Larger ones fail with
   * reason 'oversize', refused from their header before decoding where the
   * format declares its size (a decompression bomb never reaches the decoder).
   * Default PIL's DecompressionBombError threshold, 178,956,970.
   */
  maxPixels?: number;
  /**
   * A worker that does not answer a heartbeat for this long (active time: a
   * frozen or suspended page does not count) is declared hung, terminated and
   * replaced. 0 turns the heartbeat off. Default 30,000.
   */
  workerTimeoutMs?: number;
  /**
   * How many times in a row one worker is restarted after dying without
   * finishing a batch; the next death fails the loader with a WorkerError.
   * Default 3.
   */
  maxWorkerRestarts?: number;
  /**
   * For a dataset packed in shards: bytes of shards kept in memory at once.
   * While every shard fits, `shuffle` is the exact global permutation; when
   * they do not, the order becomes windowed (docs/guide.md, "Packed shards").
   * Default DEFAULT_SHARD_CACHE_BYTES (256 MiB), which holds the bundled sets.
   */
  shardCacheBytes?: number;
  /** A `loader.state()` to continue from: that epoch, minus the batches it had consumed. */
  resumeFrom?: LoaderState;
}

export type CacheMode = 'none' | 'indexeddb';

/** Options after defaults and validation; what the loader and workers run on. */
export interface ResolvedOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** With `autotune`, the most it may grow to. */
  numWorkers: number;
  prefetchFactor: number;
  /** Set when numWorkers or prefetchFactor is 'auto': where each starts and how far it may grow. */
  autotune: AutotuneRange | null;
  dropLast: boolean;
  inOrder: boolean;
  timeoutMs: number;
  onError: { retry: number; then: 'raise' | 'skip' };
  image: ImageOptions;
  dtype: PixelDType;
  /** Per channel, length = image.channels; null for uint8 output. */
  mean: number[] | null;
  std: number[] | null;
  augment: ResolvedAugmentation[];
  /**
   * What one sample is in the ring: its kind, shape and dtype. An image
   * dataset's is [height, width, channels] and `dtype`; a tensor or custom
   * dataset declares its own (then `image` is unused: see NO_IMAGE).
   */
  sample: ResolvedSample;
  decodeConcurrency: number;
  maxPixels: number;
  workerTimeoutMs: number;
  maxWorkerRestarts: number;
  cache: CacheMode;
  shardCacheBytes: number;
}

/** Default `shardCacheBytes`: holds the bundled sets (MNIST and shapes, train and test) with room to spare. */
export const DEFAULT_SHARD_CACHE_BYTES = 256 * 1024 * 1024;

/** PIL's `Image.MAX_IMAGE_PIXELS * 2`, where it raises DecompressionBombError. */
export const DEFAULT_MAX_PIXELS = 178_956_970;
const MAX_WORKERS = 64;

/**
 * `declared` is an image dataset's shape; `items` is set instead for a
 * dataset of other samples (tensor, custom), which refuses the image options.
 */
export function resolveOptions(
  options: DataLoaderOptions,
  declared: DeclaredShape,
  items?: { kind: Exclude<DatasetKind, 'image'>; sample: SampleDeclaration },
): ResolvedOptions {
  if (items) refuseImageOptions(options, items.kind, items.sample.dtype);
  const wanted = options.numWorkers ?? 0;
  if (wanted !== 'auto' && (!Number.isInteger(wanted) || wanted < 0 || wanted > MAX_WORKERS)) {
    fail('numWorkers', wanted, `must be 'auto' or an integer from 0 (load on the main thread) to ${MAX_WORKERS}`);
  }
  const prefetch = options.prefetchFactor === 'auto' ? 'auto' : positiveInt('prefetchFactor', options.prefetchFactor, 2, 64);
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 4;
  const autotune = autotuneRange(wanted, prefetch, cores, MAX_WORKERS);
  const numWorkers = autotune?.workers.max ?? (wanted as number);
  const timeoutMs = options.timeoutMs ?? 0;
  // setTimeout fires at once for delays past 2^31 - 1 ms, so larger bounds are refused, not silently broken.
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    fail('timeoutMs', timeoutMs, `must be 0 (no limit) or a number of ms up to ${MAX_TIMEOUT_MS} (about 24.8 days)`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) fail('seed', seed, 'must be an integer');
  const dtype = items?.sample.dtype ?? options.dtype ?? 'uint8';
  if (dtype !== 'uint8' && dtype !== 'float32') fail('dtype', dtype, "must be 'uint8' or 'float32'");
  const image = items ? NO_IMAGE : resolveImage(options.image ?? {}, declared);
  const sample: ResolvedSample = items
    ? { kind: items.kind, shape: [...items.sample.shape], dtype }
    : { kind: 'image', shape: [image.height, image.width, image.channels], dtype };
  const { mean, std } = items ? { mean: null, std: null } : resolveNormalize(options.normalize, dtype, image.channels);
  const augment = resolveAugment(options.augment);
  const cache = resolveCache(options.cache);
  if (augment.length > 0 && cache !== 'none') {
    fail('cache', cache, "must be 'none' with `augment`: the cache keeps a sample's pixels, and augmented pixels change every epoch");
  }
  return {
    batchSize: positiveInt('batchSize', options.batchSize, 1),
    shuffle: options.shuffle ?? false,
    seed,
    numWorkers,
    prefetchFactor: autotune?.prefetch.max ?? (prefetch === 'auto' ? 2 : prefetch),
    autotune,
    dropLast: options.dropLast ?? false,
    inOrder: options.inOrder ?? true,
    timeoutMs,
    onError: resolveOnError(options.onError ?? 'raise'),
    image,
    dtype,
    mean,
    std,
    augment,
    sample,
    decodeConcurrency: positiveInt('decodeConcurrency', options.decodeConcurrency, 8, 256),
    maxPixels: positiveInt('maxPixels', options.maxPixels, DEFAULT_MAX_PIXELS, 2 ** 40),
    workerTimeoutMs: boundedMs('workerTimeoutMs', options.workerTimeoutMs, 30_000),
    maxWorkerRestarts: count('maxWorkerRestarts', options.maxWorkerRestarts, 3, 100),
    cache,
    shardCacheBytes: positiveInt('shardCacheBytes', options.shardCacheBytes, DEFAULT_SHARD_CACHE_BYTES),
  };
}

function resolveImage(image: Partial<ImageOptions>, declared: DeclaredShape): ImageOptions {
  const width = image.width ?? declared.width;
  const height = image.height ?? declared.height;
  const channels = image.channels ?? declared.channels ?? 3;
  const hint = 'the dataset declares no size, so pass `image: { width, height }`';
  if (width === undefined) fail('image.width', width, `is required: ${hint}`);
  if (height === undefined) fail('image.height', height, `is required: ${hint}`);
  positiveInt('image.width', width, 0, 8192);
  positiveInt('image.height', height, 0, 8192);
  if (![1, 3, 4].includes(channels)) fail('image.channels', channels, 'must be 1, 3 or 4');
  const fit = image.fit ?? 'stretch';
  if (!['stretch', 'cover', 'contain'].includes(fit)) fail('image.fit', fit, "must be 'stretch', 'cover' or 'contain'");
  return { width, height, channels, fit } as ImageOptions;
}

function resolveNormalize(
  normalize: Normalize | undefined,
  dtype: PixelDType,
  channels: number,
): { mean: number[] | null; std: number[] | null } {
  if (dtype === 'uint8') {
    if (normalize) fail('normalize', normalize, "applies only with dtype 'float32' (uint8 is normalized on the GPU)");
    return { mean: null, std: null };
  }
  return normalizeChannels(normalize, channels);
}

/**
 * Normalize(mean, std) per channel, on the 0..1 scale, as the loader applies
 * it in the workers and a consumer that normalizes uint8 batches on the GPU
 * (the Trainer) applies it there: one value for every channel or one per
 * channel; mean 0 and std 1 where absent. A bad value throws an OptionError
 * naming `api`'s option `normalize.mean` or `normalize.std`.
 */
export function normalizeChannels(normalize: Normalize | undefined, channels: number, api = 'DataLoader'): { mean: number[]; std: number[] } {
  const perChannel = (name: 'mean' | 'std', value: number | number[] | undefined, fallback: number): number[] => {
    const list = value === undefined ? [fallback] : Array.isArray(value) ? value : [value];
    if (list.length === 1) return Array<number>(channels).fill(list[0]);
    if (list.length !== channels) fail(`normalize.${name}`, value, `must have one value or ${channels} (one per channel)`, api);
    return list;
  };
  const mean = perChannel('mean', normalize?.mean, 0);
  const std = perChannel('std', normalize?.std, 1);
  if (mean.some((m) => !Number.isFinite(m))) fail('normalize.mean', normalize?.mean, 'must be finite numbers', api);
  if (std.some((s) => !Number.isFinite(s) || s === 0)) fail('normalize.std', normalize?.std, 'must be finite and non-zero', api);
  return { mean, std };
}

function resolveCache(cache: unknown): CacheMode {
  if (cache === undefined) return 'none';
  if (cache !== 'none' && cache !== 'indexeddb') fail('cache', cache, "must be 'none' or 'indexeddb'");
  return cache;
}

function resolveOnError(onError: OnError): ResolvedOptions['onError'] {
  if (onError === 'raise' || onError === 'skip') return { retry: 0, then: onError };
  if (typeof onError === 'object' && onError !== null) {
    const { retry, then } = onError;
    if (!Number.isInteger(retry) || retry < 0 || retry > 10) fail('onError.retry', retry, 'must be an integer from 0 to 10');
    if (then !== 'raise' && then !== 'skip') fail('onError.then', then, "must be 'raise' or 'skip'");
    return { retry, then };
  }
  return fail('onError', onError, "must be 'raise', 'skip' or { retry: n, then: 'raise' | 'skip' }");
}
