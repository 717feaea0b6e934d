/**
 * The page of item-datasets.spec.ts: a TensorDataset on whatever page this
 * is (isolated or not), a custom dataset whose module cannot load, and
 * the shapes example's module with numWorkers 0 and 2.
 */
import { CustomDataset, DataLoader, TensorDataset, WorkerError, sharedMemoryAvailable } from '../../src/loader/index.ts';
import { makeDataset, shapesItems } from '../../examples/shapes-loader.ts';

async function tensorRows() {
  const values = Uint8Array.from({ length: 40 * 4 }, (_, x) => (Math.floor(x / 4) * 3 + (x % 4)) % 256);
  const dataset = TensorDataset.from(values, Array.from({ length: 40 }, (_, i) => i % 7), [2, 2]);
  const loader = new DataLoader(dataset, { batchSize: 8, numWorkers: 2, shuffle: true, seed: 4 });
  let wrong = 0;
  const seen: number[] = [];
  try {
    for await (const batch of loader) {
      batch.indices.forEach((i, j) => {
        seen.push(i);
        const row = Array.from(batch.values.subarray(j * 4, j * 4 + 4));
        if (batch.labels[j] !== i % 7 || row.some((v, k) => v !== (i * 3 + k) % 256)) wrong++;
      });
    }
    return { isolated: sharedMemoryAvailable(), shared: dataset.shared, mode: loader.mode, wrong, seen: seen.sort((a, b) => a - b) };
  } finally {
    loader.close();
  }
}

async function brokenModule() {
  const dataset = CustomDataset.fromModule({
    name: 'broken',
    length: 50,
    sample: { shape: [1], dtype: 'uint8' },
    worker: () => new Worker(new URL('./broken-dataset.ts', import.meta.url), { type: 'module' }),
  });
  const loader = new DataLoader(dataset, { batchSize: 5, numWorkers: 2, onError: 'skip', maxWorkerRestarts: 1 });
  try {
    for await (const batch of loader) void batch;
    return { error: null };
  } catch (error) {
    return { error: String(error), isWorkerError: error instanceof WorkerError, skipped: loader.stats().skipped.length };
  } finally {
    loader.close();
  }
}

/** The shapes example's module at 32 x 32 on the main thread (imported) and in 2 workers: the same float bytes. */
async function customOnMainThread() {
  const items = await shapesItems('/datasets/shapes/manifest.json', 'train', 12);
  const run = async (numWorkers: number) => {
    const loader = new DataLoader(makeDataset(items, 32), { batchSize: 5, numWorkers, shuffle: true, seed: 2 });
    const out: number[] = [];
    try {
      for await (const batch of loader) out.push(...batch.indices, ...batch.labels, ...batch.values);
    } finally {
      loader.close();
    }
    return out;
  };
  const [main, workers] = [await run(0), await run(2)];
  return { length: main.length, same: main.length === workers.length && main.every((v, k) => Object.is(v, workers[k])) };
}

Object.assign(window, { items: { tensorRows, brokenModule, customOnMainThread } });
document.title = 'item datasets ready';
