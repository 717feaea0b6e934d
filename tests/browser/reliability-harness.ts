/**
 * In the page, for tests/browser/reliability.spec.ts: run a loader over the
 * broken corpus (tests/fixtures/broken.ts, served by the dev server's test
 * routes) and hand back plain data: what was delivered, what was skipped and
 * why, what was raised, the stats.
 */
import { DataLoader, ImageDataset, SampleError, type DataLoaderOptions, type LoaderEnvironment, type LoaderStats } from '../../src/loader/index.ts';
import { faultLoader } from '../../src/loader/testing/fault-environment.ts';
import type { Fault } from '../../src/loader/testing/faults.ts';
import { plain, type PlainBatch } from './harness.ts';

export interface Drained {
  mode: string;
  batches: PlainBatch[];
  /** What the iterator threw, if it did. */
  error: { name: string; message: string; index?: number; source?: string; reason?: string; batch?: number; epoch?: number; worker?: number } | null;
  stats: LoaderStats;
}

/** The broken corpus with only `kinds` (all when omitted); `key` keeps flaky and hanging URLs apart between runs. */
export function brokenDataset(kinds: string[] | null, key: string): Promise<ImageDataset> {
  const query = new URLSearchParams({ key });
  if (kinds) query.set('kinds', kinds.join(','));
  return ImageDataset.fromManifest(`/__test__/broken/manifest.json?${query}`);
}

/** One epoch (or `limit` batches), recording the batches and whatever was thrown; the loader stays open. */
export async function drain(
  loader: DataLoader,
  options: { limit?: number; signal?: AbortSignal; onBatch?: (index: number) => void } = {},
): Promise<Drained> {
  const batches: PlainBatch[] = [];
  let error: Drained['error'] = null;
  try {
    for await (const batch of loader.iterate({ signal: options.signal })) {
      batches.push(plain(batch));
      options.onBatch?.(batch.index);
      if (batches.length >= (options.limit ?? Infinity)) break;
    }
  } catch (e) {
    const err = e as Error & Partial<SampleError>;
    error = { name: err.name, message: err.message };
    if (err instanceof SampleError) Object.assign(error, { index: err.index, source: err.source, reason: err.reason, batch: err.batch, epoch: err.epoch, worker: err.worker });
  }
  return { mode: loader.mode, batches, error, stats: loader.stats() };
}

/** A loader over the broken corpus: one epoch drained, then closed. */
export async function runBroken(
  kinds: string[] | null,
  key: string,
  options: DataLoaderOptions,
  env: LoaderEnvironment = {},
  again = false,
): Promise<{ first: Drained; second: Drained | null }> {
  const loader = new DataLoader(await brokenDataset(kinds, key), options, env);
  try {
    const first = await drain(loader);
    const second = again ? await drain(loader) : null;
    return { first, second };
  } finally {
    loader.close();
  }
}

/** The loader worker with fault injection (workers/fault-loader.worker.ts). */
function spawnFaultWorker(): Worker {
  // Static options: Vite bundles the worker from this exact expression.
  return new Worker(new URL('../../workers/fault-loader.worker.ts', import.meta.url), { type: 'module', name: 'feedline-fault-loader' });
}

/**
 * A loader over the fixture dataset, for fault and stopping tests; the caller
 * closes it. With `faults` its workers act them out (src/loader/testing/faults.ts).
 */
export async function fixtureLoader(options: DataLoaderOptions, faults?: Fault[]): Promise<DataLoader> {
  const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
  return faults ? faultLoader(dataset, options, faults, { spawn: spawnFaultWorker }) : new DataLoader(dataset, options);
}
