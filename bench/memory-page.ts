/**
 * Scenario 6 of `npm run bench` (bench/memory.ts): one Trainer and one
 * DataLoader train epoch after epoch; between epochs the driver collects
 * garbage and reads the JS heap, and this page reports tfjs's own count.
 * Growth from epoch 2 on (after every cache, kernel and pool has filled) is a
 * leak; the target is under 5% by epoch 10, with numTensors flat.
 */
import * as tf from '@tensorflow/tfjs';
import { DataLoader, ImageDataset } from '../src/loader/index.ts';
import { Trainer } from '../src/train/index.ts';

let run: { trainer: Trainer; loader: DataLoader } | null = null;

/** Opens the run: MNIST's train shards, the MLP, batches of 256, 2 workers. */
async function open(backend: 'webgl' | 'webgpu' | 'cpu'): Promise<string> {
  const dataset = await ImageDataset.fromManifest('/datasets/mnist/shards/manifest.json', 'train');
  const loader = new DataLoader(dataset, { batchSize: 256, shuffle: true, seed: 1, numWorkers: 2 });
  const trainer = new Trainer({ model: 'mlp', backend, normalize: { mean: 0.1307, std: 0.3081 } });
  run = { trainer, loader };
  await trainer.ready;
  return trainer.backend!;
}

/** One more epoch; then tfjs's tensor count and bytes. */
async function epoch(): Promise<{ numTensors: number; numBytes: number }> {
  const { trainer, loader } = run!;
  const fit = await trainer.fit(loader, { epochs: 1 });
  if (fit.status !== 'completed') throw new Error(`the epoch ended ${fit.status}`);
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}

function close(): void {
  run?.loader.close();
  run?.trainer.dispose();
  run = null;
}

declare global {
  interface Window {
    memoryBench: { open: typeof open; epoch: typeof epoch; close: typeof close };
  }
}
window.memoryBench = { open, epoch, close };
