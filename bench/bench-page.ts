/**
 * Runs in the bench page: one measurement = one loader, a warm-up epoch
 * (workers start, caches fill), then `epochs` timed epochs.
 */
import { inMemoryDataset } from './in-memory.ts';
import { DataLoader, ImageDataset, clearSampleCache, type DataLoaderOptions, type LoaderStats } from '../src/loader/index.ts';

export interface Measurement {
  samples: number;
  ms: number;
  samplesPerSecond: number;
  consumerWaitMs: number;
  mode: string;
  /** With numWorkers or prefetchFactor 'auto': where the tuner ended and when it settled (from the first batch). */
  autotune?: { numWorkers: number; prefetchFactor: number; decisions: number; settledAfterMs: number | null };
}

/** The tuner's state after a run, for Measurement.autotune. */
function tunerSummary(stats: LoaderStats): Measurement['autotune'] {
  const a = stats.autotune;
  return a && { numWorkers: a.numWorkers, prefetchFactor: a.prefetchFactor, decisions: a.decisions.length, settledAfterMs: a.settledAfterMs };
}

/** Busy work on the main thread, standing in for a training step. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * `inMemory`: every image in a Blob first (fetched once per page), so the
 * epochs measure decode, resize and the loader itself rather than the HTTP server.
 */
async function measure(
  manifest: string,
  options: DataLoaderOptions,
  epochs: number,
  stepMs = 0,
  inMemory = false,
): Promise<Measurement> {
  const dataset = inMemory ? await inMemoryDataset(manifest) : await ImageDataset.fromManifest(manifest);
  const loader = new DataLoader(dataset, options);
  try {
    for await (const batch of loader) batch.release(); // warm-up
    const waitBefore = loader.stats().consumerWaitMs;
    let samples = 0;
    const start = performance.now();
    for (let e = 0; e < epochs; e++) {
      for await (const batch of loader) {
        samples += batch.size;
        batch.release();
        if (stepMs) busy(stepMs);
      }
    }
    const ms = performance.now() - start;
    const stats = loader.stats();
    const consumerWaitMs = stats.consumerWaitMs - waitBefore;
    return { samples, ms, samplesPerSecond: (samples / ms) * 1000, consumerWaitMs, mode: loader.mode, autotune: tunerSummary(stats) };
  } finally {
    loader.close();
  }
}

export interface CacheMeasurement {
  /** A steady epoch without the cache (after a warm-up epoch). */
  uncached: Measurement;
  /** The first epoch of a cached loader on an empty cache: it decodes and stores every sample. */
  cold: Measurement;
  /** That loader's second epoch: every sample from the cache. */
  warm: Measurement;
  /** The cached loader's cache stats after both epochs. */
  cache: LoaderStats['cache'];
}

/** One timed epoch of `loader`. */
async function timedEpoch(loader: DataLoader): Promise<Measurement> {
  const waitBefore = loader.stats().consumerWaitMs;
  let samples = 0;
  const start = performance.now();
  for await (const batch of loader) {
    samples += batch.size;
    batch.release();
  }
  const ms = performance.now() - start;
  const consumerWaitMs = loader.stats().consumerWaitMs - waitBefore;
  return { samples, ms, samplesPerSecond: (samples / ms) * 1000, consumerWaitMs, mode: loader.mode };
}

/**
 * Uncached vs cached epochs of the same dataset and options. The cold epoch
 * is a loader's first, so it also pays for starting workers (tens of ms).
 */
async function measureCache(manifest: string, options: DataLoaderOptions, inMemory = false): Promise<CacheMeasurement> {
  const dataset = inMemory ? await inMemoryDataset(manifest) : await ImageDataset.fromManifest(manifest);
  const plain = new DataLoader(dataset, { ...options, cache: 'none' });
  let uncached: Measurement;
  try {
    await timedEpoch(plain); // warm-up
    uncached = await timedEpoch(plain);
  } finally {
    plain.close();
  }
  await clearSampleCache();
  const cached = new DataLoader(dataset, { ...options, cache: 'indexeddb' });
  try {
    const cold = await timedEpoch(cached);
    const warm = await timedEpoch(cached);
    return { uncached, cold, warm, cache: cached.stats().cache };
  } finally {
    cached.close();
    await clearSampleCache(); // hundreds of MB otherwise stay in the profile
  }
}

/**
 * Scenario 5: ms from `new DataLoader` to the first batch in hand, workers
 * cold (a new loader starts its own). With `cache: 'indexeddb'` after
 * fillCache(): the first batch is read from the cache instead of fetched and
 * decoded.
 */
async function firstBatchMs(manifest: string, options: DataLoaderOptions): Promise<number> {
  const dataset = await ImageDataset.fromManifest(manifest);
  const start = performance.now();
  const loader = new DataLoader(dataset, options);
  try {
    const it = loader[Symbol.asyncIterator]();
    const first = await it.next();
    const ms = performance.now() - start;
    if (first.done) throw new Error(`${manifest}: no batch at all`);
    first.value.release();
    await it.return?.();
    return ms;
  } finally {
    loader.close();
  }
}

/** Empties the sample cache and fills it with every sample of `manifest` at these options (one epoch); `clear`: only empties it. */
async function fillCache(manifest: string, options: DataLoaderOptions, clear = false): Promise<void> {
  await clearSampleCache();
  if (clear) return;
  const filler = new DataLoader(await ImageDataset.fromManifest(manifest), { ...options, cache: 'indexeddb' });
  try {
    for await (const batch of filler) batch.release();
  } finally {
    filler.close();
  }
}

declare global {
  interface Window {
    bench: { measure: typeof measure; measureCache: typeof measureCache; firstBatchMs: typeof firstBatchMs; fillCache: typeof fillCache };
  }
}
window.bench = { measure, measureCache, firstBatchMs, fillCache };
document.title = 'Feedline bench (ready)';
