/**
 * Runs in the bench page for bench/decode.ts: the loader's first and second
 * epoch over in-memory JPEG Blobs (shared ring or transfer mode), the same
 * decode work without the loader (the ceiling, spread over worker threads),
 * a plain one-at-a-time loop, and the same decode in a tf.data pipeline.
 */
import * as tf from '@tensorflow/tfjs';
import { inMemoryDataset } from './in-memory.ts';
import { DataLoader, ImageDataset } from '../src/loader/index.ts';
import type { RingMode } from '../src/loader/index.ts';
import { decodeOne, decodeWay, type DecodeWay } from './decode-ways.ts';
import type { DecodeTask } from './decode-worker.ts';

let dataset: ImageDataset | null = null;
let blobs: Blob[] = [];

async function load(manifest: string): Promise<number> {
  dataset = await inMemoryDataset(manifest);
  blobs = Array.from({ length: dataset.length }, (_, i) => dataset!.source(i) as Blob);
  return blobs.length;
}

export interface EpochRates {
  /** Samples/s from the first batch's arrival to the last's: worker start and pipeline fill left out of both epochs alike. */
  first: number;
  second: number;
  /** With 'auto': the setting the tuner ended at, and ms from the first batch until it settled (null: still trying). */
  tuned?: { numWorkers: number; prefetchFactor: number; settledAfterMs: number | null };
}

/** A fresh loader's first epoch (every Blob's header checked) and its second (headers known). */
async function loaderEpochs(
  numWorkers: number | 'auto',
  size: number,
  batchSize: number,
  mode: RingMode = 'shared',
  prefetchFactor: number | 'auto' = 2,
): Promise<EpochRates> {
  const loader = new DataLoader(dataset!, { batchSize, numWorkers, prefetchFactor, image: { width: size, height: size } }, { mode });
  const epoch = async () => {
    let samples = 0;
    let start = 0;
    for await (const batch of loader) {
      if (start === 0) start = performance.now();
      else samples += batch.size;
      batch.release();
    }
    return (samples / (performance.now() - start)) * 1000;
  };
  try {
    const first = await epoch();
    const second = await epoch();
    const a = loader.stats().autotune;
    return { first, second, tuned: a && { numWorkers: a.numWorkers, prefetchFactor: a.prefetchFactor, settledAfterMs: a.settledAfterMs } };
  } finally {
    loader.close();
  }
}

/**
 * Samples/s of `way` over every Blob: on the main thread for threads 0, else
 * split over that many workers (started and warmed before the clock runs),
 * `inFlight` per thread.
 */
async function ways(way: DecodeWay, threads: number, inFlight: number, size: number): Promise<number> {
  if (threads === 0) {
    const run = decodeWay(way, size, size);
    await run(blobs.slice(0, 32), inFlight); // warm-up
    const start = performance.now();
    await run(blobs, inFlight);
    return (blobs.length / (performance.now() - start)) * 1000;
  }
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' }));
  const task = (w: Worker, part: Blob[]) =>
    new Promise<void>((resolve, reject) => {
      w.onmessage = () => resolve();
      w.onerror = (e) => reject(new Error(e.message));
      w.postMessage({ blobs: part, way, inFlight, width: size, height: size } satisfies DecodeTask);
    });
  try {
    await Promise.all(workers.map((w) => task(w, blobs.slice(0, 32))));
    const start = performance.now();
    await Promise.all(workers.map((w, k) => task(w, blobs.filter((_, i) => i % threads === k))));
    return (blobs.length / (performance.now() - start)) * 1000;
  } finally {
    workers.forEach((w) => w.terminate());
  }
}

/**
 * What a TensorFlow.js user reaches for: `tf.data.generator` over the same
 * decode, one sample a pixel tensor (`tf.browser.fromPixels`), then
 * `.batch(n).prefetch(k)`. Its batch iterator asks its upstream for one
 * element at a time, so however deep the prefetch, one sample decodes at a
 * time, on the main thread. The CPU backend keeps the tensors in JS memory,
 * as the loader's batches are: no GPU in either. Samples/s from the first
 * batch's arrival to the last's, as loaderEpochs counts.
 */
async function tfData(prefetch: number, size: number, batchSize: number): Promise<number> {
  await tf.setBackend('cpu');
  const decode = decodeOne(size, size);
  const source = blobs;
  const pipeline = tf.data
    .generator(async function* () {
      for (const blob of source) yield tf.browser.fromPixels(await decode(blob), 4);
    })
    .batch(batchSize)
    .prefetch(prefetch);
  let samples = 0;
  let start = 0;
  await pipeline.forEachAsync((batch) => {
    const tensor = batch as unknown as tf.Tensor;
    if (start === 0) start = performance.now();
    else samples += tensor.shape[0];
    tensor.dispose();
  });
  return (samples / (performance.now() - start)) * 1000;
}

declare global {
  interface Window {
    decodeBench: { load: typeof load; loaderEpochs: typeof loaderEpochs; ways: typeof ways; tfData: typeof tfData };
  }
}
window.decodeBench = { load, loaderEpochs, ways, tfData };
