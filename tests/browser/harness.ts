/**
 * Runs in the page: exposes the library and a few helpers that turn batches
 * into plain data Playwright can compare. Loaded by harness.html.
 */
import * as feedline from '../../src/loader/index.ts';
import { fnv1a } from '../../src/loader/fnv1a.ts';
import type { Batch, DataLoader, DataLoaderOptions, LoaderEnvironment } from '../../src/loader/index.ts';
import * as reliability from './reliability-harness.ts';

export interface PlainBatch {
  epoch: number;
  index: number;
  shape: number[];
  labels: number[];
  indices: number[];
  /** FNV-1a of the image bytes: compares batches without shipping pixels. */
  hash: number;
  worker: number | null;
}

export function plain(batch: Batch): PlainBatch {
  const { images } = batch;
  const bytes = new Uint8Array(images.buffer, images.byteOffset, images.byteLength);
  return {
    epoch: batch.epoch,
    index: batch.index,
    shape: [...batch.shape],
    labels: [...batch.labels],
    indices: [...batch.indices],
    hash: fnv1a(bytes),
    worker: batch.worker,
  };
}

/** Runs `epochs` epochs; returns every batch as plain data. */
async function collect(loader: DataLoader, epochs = 1): Promise<PlainBatch[][]> {
  const out: PlainBatch[][] = [];
  for (let e = 0; e < epochs; e++) {
    const batches: PlainBatch[] = [];
    for await (const batch of loader) batches.push(plain(batch));
    out.push(batches);
  }
  return out;
}

/** Loads the fixture manifest and runs a loader over it, then closes it. */
async function runFixtures(
  options: DataLoaderOptions,
  epochs = 1,
  env: LoaderEnvironment = {},
  split = 'train',
): Promise<{ mode: string; length: number; epochs: PlainBatch[][] }> {
  const dataset = await feedline.ImageDataset.fromManifest('/datasets/fixtures/manifest.json', split);
  const loader = new feedline.DataLoader(dataset, options, env);
  try {
    return { mode: loader.mode, length: loader.length, epochs: await collect(loader, epochs) };
  } finally {
    loader.close();
  }
}

/** The raw bytes of one sample of the first batch, for pixel checks. */
async function firstBatchPixels(options: DataLoaderOptions): Promise<{ indices: number[]; labels: number[]; shape: number[]; pixels: number[] }> {
  const dataset = await feedline.ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
  const loader = new feedline.DataLoader(dataset, options);
  try {
    for await (const batch of loader) {
      return { indices: [...batch.indices], labels: [...batch.labels], shape: [...batch.shape], pixels: [...batch.images] };
    }
    throw new Error('no batch');
  } finally {
    loader.close();
  }
}

/** One FNV-1a hash per sample of a batch, keyed by dataset index: compares pixels across epochs. */
export function sampleHashes(batch: Batch): Array<[index: number, hash: number]> {
  const { images } = batch;
  const bytes = new Uint8Array(images.buffer, images.byteOffset, images.byteLength);
  const per = bytes.length / batch.size;
  return [...batch.indices].map((index, j) => [index, fnv1a(bytes.subarray(j * per, (j + 1) * per))]);
}

export interface CacheRun {
  mode: string;
  epochs: PlainBatch[][];
  /** Per epoch: dataset index -> hash of that sample's bytes. */
  samples: Array<Record<number, number>>;
  stats: ReturnType<DataLoader['stats']>;
}

/** Runs `epochs` epochs of `dataset` (default: the fixture train split); plain batches, per-sample hashes, final stats. */
async function runEpochs(
  options: DataLoaderOptions,
  epochs = 1,
  env: LoaderEnvironment = {},
  dataset?: feedline.ImageDataset,
): Promise<CacheRun> {
  dataset ??= await feedline.ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
  const loader = new feedline.DataLoader(dataset, options, env);
  try {
    const out: CacheRun = { mode: loader.mode, epochs: [], samples: [], stats: loader.stats() };
    for (let e = 0; e < epochs; e++) {
      const batches: PlainBatch[] = [];
      const samples: Record<number, number> = {};
      for await (const batch of loader) {
        batches.push(plain(batch));
        for (const [index, hash] of sampleHashes(batch)) samples[index] = hash;
      }
      out.epochs.push(batches);
      out.samples.push(samples);
    }
    out.stats = loader.stats();
    return out;
  } finally {
    loader.close();
  }
}

/** Every unhandled rejection and error in the page; tests assert it stays empty. */
const problems: string[] = [];
window.addEventListener('unhandledrejection', (e) => problems.push(`unhandledrejection: ${String(e.reason)}`));
window.addEventListener('error', (e) => problems.push(`error: ${e.message}`));

const api = { ...feedline, ...reliability, plain, collect, runFixtures, firstBatchPixels, problems, sampleHashes, runEpochs };
declare global {
  interface Window {
    feedline: typeof api;
  }
}
window.feedline = api;
document.title = 'Feedline test harness (ready)';
