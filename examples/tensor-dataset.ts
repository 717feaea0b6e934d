/**
 * Example 1: a dataset of plain tensors, no images.
 *
 * PyTorch:
 *
 *   import torch
 *   from torch.utils.data import DataLoader, TensorDataset
 *
 *   dataset = TensorDataset(torch.randn(1000, 10), torch.randint(0, 2, (1000,)))
 *   loader = DataLoader(dataset, batch_size=32, num_workers=4, shuffle=True)
 *   for epoch in range(2):
 *       for x, y in loader:  # x: [32, 10] float32, y: [32]
 *           ...
 *
 * Feedline: the same, with the values shared read-only with the 4 workers
 * (one SharedArrayBuffer where the page is cross-origin isolated, no copy per
 * worker). Each batch is a view of a ring slot: read it (or upload it) before
 * the next one.
 */
import { DataLoader, TensorDataset, type Batch } from '../src/loader/index.ts'; // in your app: from 'feedline'
import { randint, randn } from './random.ts';

export function makeDataset(): TensorDataset {
  // torch.randn(1000, 10), torch.randint(0, 2, (1000,))
  return TensorDataset.from(randn(1000 * 10, 1), randint(0, 2, 1000, 2), [10]);
}

export async function train(dataset: TensorDataset, step: (x: Float32Array, y: Int32Array, batch: Batch<number[]>) => void): Promise<void> {
  const loader = new DataLoader(dataset, { batchSize: 32, numWorkers: 4, shuffle: true });
  try {
    for (let epoch = 0; epoch < 2; epoch++) {
      for await (const batch of loader) {
        // batch.shape is [32, 10] (the last one [8, 10]); values are float32, as the dataset's
        step(batch.values as Float32Array, batch.labels, batch);
      }
    }
  } finally {
    loader.close();
  }
}
