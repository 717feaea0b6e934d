/**
 * Example 3, the loop: loads error-prone-dataset.ts with 4 workers and
 * carries on past the failing batches.
 *
 * PyTorch:
 *
 *   loader = DataLoader(ErrorProneDataset(), batch_size=32, num_workers=4, pin_memory=True,
 *                       worker_init_fn=lambda worker_id: torch.manual_seed(worker_id))
 *   for epoch in range(1):
 *       it = iter(loader)
 *       for i in range(len(loader)):
 *           try:
 *               x, y = next(it)
 *           except IOError as e:
 *               print(f"Error in batch {i} of epoch {epoch}: {e}")
 *               continue
 *           ...  # train on x, y
 *
 * Feedline: `iterate({ continueAfterError: true })` behaves like PyTorch's
 * iterator: next() throws the SampleError of a batch with a failed sample
 * (naming the batch, the epoch, the sample's index and source, the worker and
 * the cause) and the next next() gives the next batch. pin_memory has no flag:
 * batches already sit in shared memory that the Trainer uploads from. Better
 * than PyTorch where the browser allows: `onError: 'skip'` drops only the
 * failed samples and lists them, and `timeoutMs` bounds each sample.
 */
import { CustomDataset, DataLoader, SampleError, type DataLoaderOptions, type SampleFailure } from '../src/loader/index.ts'; // in your app: from 'feedline'
import type { ErrorProneArgs } from './error-prone-dataset.ts';

export function makeDataset(args: ErrorProneArgs = { sleepMs: 2000, slowEvery: 1 }): CustomDataset<ErrorProneArgs> {
  return CustomDataset.fromModule({
    name: 'error-prone',
    length: 1000,
    sample: { shape: [10], dtype: 'float32' },
    args,
    worker: () => new Worker(new URL('./error-prone-dataset.ts', import.meta.url), { type: 'module' }),
    module: () => import('./error-prone-dataset.ts'),
  });
}

/** The PyTorch loop: prints "Error in batch i of epoch e" and carries on. Returns the batches it trained on. */
export async function trainCarryingOn(dataset: CustomDataset<ErrorProneArgs>, print: (line: string) => void): Promise<number[]> {
  const loader = new DataLoader(dataset, { batchSize: 32, numWorkers: 4 });
  const trained: number[] = [];
  try {
    for (let epoch = 0; epoch < 1; epoch++) {
      const it = loader.iterate({ continueAfterError: true });
      for (let i = 0; i < loader.length; i++) {
        try {
          const { value: batch, done } = await it.next();
          if (done) break;
          trained.push(batch.index); // ... train on batch.values, batch.labels
        } catch (error) {
          if (!(error instanceof SampleError)) throw error;
          print(`Error in batch ${error.batch} of epoch ${error.epoch}: ${error.message}`);
        }
      }
    }
  } finally {
    loader.close();
  }
  return trained;
}

/** One epoch under `onError: 'skip'` (with `options`, e.g. timeoutMs): samples delivered, and the ones dropped with why. */
export async function epochSkipping(
  dataset: CustomDataset<ErrorProneArgs>,
  options: DataLoaderOptions = {},
): Promise<{ delivered: number; skipped: SampleFailure[] }> {
  const loader = new DataLoader(dataset, { batchSize: 32, numWorkers: 4, onError: 'skip', ...options });
  let delivered = 0;
  try {
    for await (const batch of loader) delivered += batch.size;
    return { delivered, skipped: loader.stats().skipped };
  } finally {
    loader.close();
  }
}
