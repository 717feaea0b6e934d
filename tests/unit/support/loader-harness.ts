/**
 * One way to open a DataLoader in Node for every mode, so no behaviour is
 * tested on one path only: the same behaviour runs on the main thread
 * (numWorkers 0, LocalProducer) and on real worker_threads that expose the
 * library's worker API through Comlink.
 * Loaders close and their threads are awaited when the test finishes.
 */
import { onTestFinished } from 'vitest';
import type { Batch } from '../../../src/loader/batch.ts';
import { DataLoader } from '../../../src/loader/data-loader.ts';
import type { ImageDataset } from '../../../src/loader/dataset.ts';
import { fnv1a } from '../../../src/loader/fnv1a.ts';
import { faultLoader } from '../../../src/loader/testing/fault-environment.ts';
import type { Fault } from '../../../src/loader/testing/faults.ts';
import type { DataLoaderOptions, ImageOptions } from '../../../src/loader/options.ts';
import type { RingMode } from '../../../src/loader/slot-pool.ts';
import { FakeReader, expectedUint8, type FakeReaderConfig } from './fake-reader.ts';
import { NodeWorkerEndpoint, startWorker, workerScript } from './threads.ts';

export { bounded, sleep } from './time.ts';

const LOADER_WORKER = await workerScript(new URL('./loader-worker.ts', import.meta.url));

export interface LoaderMode {
  name: string;
  numWorkers: number;
  mode: RingMode;
}

export const MODES: LoaderMode[] = [
  { name: 'on the main thread (numWorkers 0)', numWorkers: 0, mode: 'shared' },
  { name: 'with 2 worker threads (numWorkers 2)', numWorkers: 2, mode: 'shared' },
  { name: 'with 2 worker threads in transfer mode', numWorkers: 2, mode: 'transfer' },
];

export interface Opened {
  loader: DataLoader;
  /** Worker threads started so far (none before the first iteration). */
  workers: NodeWorkerEndpoint[];
  /** Main-thread readers (numWorkers 0). */
  readers: FakeReader[];
}

/**
 * `threads.faults` (src/loader/testing/faults.ts) opens the loader through the
 * fault-injection helper instead; its workers run the same script either way.
 */
export function openLoader(
  mode: Pick<LoaderMode, 'numWorkers' | 'mode'>,
  dataset: ImageDataset,
  options: DataLoaderOptions = {},
  reader: FakeReaderConfig = {},
  threads: { replyDelayMs?: number; faults?: Fault[] } = {},
): Opened {
  const workers: NodeWorkerEndpoint[] = [];
  const readers: FakeReader[] = [];
  const env = {
    mode: mode.mode,
    createReader: (image: ImageOptions) => {
      const r = new FakeReader(image, reader);
      readers.push(r);
      return r;
    },
  };
  const spawn = (id: number) => {
    const w = new NodeWorkerEndpoint(startWorker(LOADER_WORKER, { reader, id }), threads.replyDelayMs);
    workers.push(w);
    return w;
  };
  // The mode sets numWorkers, except 'auto', which the loader tunes itself.
  const withMode = { ...options, numWorkers: options.numWorkers === 'auto' ? 'auto' : mode.numWorkers } as DataLoaderOptions;
  const loader = threads.faults
    ? faultLoader(dataset, withMode, threads.faults, { ...env, spawn })
    : new DataLoader(dataset, withMode, { ...env, createWorker: spawn });
  onTestFinished(async () => {
    loader.close();
    await Promise.all(workers.map((w) => w.exited));
  });
  return { loader, workers, readers };
}

/** What a test keeps of a batch after it is released. */
export interface SeenBatch {
  epoch: number;
  index: number;
  size: number;
  labels: number[];
  indices: number[];
  /** FNV-1a of the pixel bytes. */
  pixels: number;
  worker: number | null;
  skipped: number[];
}

export function summarize(batch: Batch): SeenBatch {
  const images = batch.images;
  const bytes = new Uint8Array(images.buffer, images.byteOffset, images.byteLength);
  return {
    epoch: batch.epoch,
    index: batch.index,
    size: batch.size,
    labels: [...batch.labels],
    indices: [...batch.indices],
    pixels: fnv1a(bytes),
    worker: batch.worker,
    skipped: batch.skipped.map((s) => s.index),
  };
}

/**
 * Iterates one epoch (or `limit` batches, then breaks) and summarizes each
 * batch; `check` runs on each while it is still held.
 */
export async function takeEpoch(
  loader: DataLoader,
  limit = Infinity,
  check?: (batch: Batch) => void,
): Promise<SeenBatch[]> {
  const seen: SeenBatch[] = [];
  for await (const batch of loader) {
    check?.(batch);
    seen.push(summarize(batch));
    if (seen.length >= limit) break;
  }
  return seen;
}

/** The first sample of a uint8 batch whose pixels are not its formula's, or null. */
export function wrongPixels(batch: Batch, image: { width: number; height: number; channels: 1 | 3 | 4 }): string | null {
  const e = image.width * image.height * image.channels;
  if (batch.images.length !== batch.size * e) return `batch ${batch.index}: ${batch.images.length} elements, expected ${batch.size * e}`;
  for (let j = 0; j < batch.size; j++) {
    const want = expectedUint8(batch.indices[j], image.width, image.height, image.channels);
    for (let x = 0; x < e; x++) {
      if (batch.images[j * e + x] !== want[x]) {
        return `batch ${batch.index} sample ${j} (index ${batch.indices[j]}) element ${x}: ${batch.images[j * e + x]}, expected ${want[x]}`;
      }
    }
  }
  return null;
}

export const flat = (batches: SeenBatch[]) => batches.flatMap((b) => b.indices);
export const range = (n: number) => Array.from({ length: n }, (_, i) => i);
