/**
 * Runs in the page for tests/browser/train.spec.ts: exposes tfjs, the loader
 * and src/train, plus helpers that return plain numbers Playwright can
 * assert on. Loaded by train-harness.html.
 */
import * as tf from '@tensorflow/tfjs';
import * as loader from '../../src/loader/index.ts';
import * as train from '../../src/train/index.ts';
import { currentDevice } from '../../src/train/backend.ts';
import { DefaultUploader, DirectUploader, affineFor } from '../../src/train/upload.ts';
import type { DataLoaderOptions } from '../../src/loader/index.ts';
import { blobDataset } from './blob-dataset.ts';

const MNIST = '/datasets/mnist/manifest.json';
/** MNIST's usual per-channel statistics on the 0..1 scale. */
const MNIST_NORMALIZE = { mean: 0.1307, std: 0.3081 };

/** A loader over a split of the bundled MNIST. */
async function mnist(split: 'train' | 'test', options: DataLoaderOptions = {}): Promise<loader.DataLoader> {
  const dataset = await loader.ImageDataset.fromManifest(MNIST, split);
  return new loader.DataLoader(dataset, { batchSize: 64, numWorkers: 2, ...options });
}

/** The first `limit` samples of a split, as a smaller dataset. */
async function mnistSubset(split: 'train' | 'test', limit: number): Promise<loader.ImageDataset> {
  const full = await loader.ImageDataset.fromManifest(MNIST, split);
  const items = Array.from({ length: Math.min(limit, full.length) }, (_, i) => ({ src: full.source(i), label: full.label(i) }));
  return loader.ImageDataset.fromItems(items, full.classes, full.shape, `mnist/${split}[:${limit}]`);
}

/**
 * The first `limit` samples of a split (all by default) as in-memory Blobs, fetched 16 at a time: the Vite dev
 * server serves about 300 files/s on two cores, so epochs over HTTP would
 * measure it rather than the loader and the trainer.
 */
async function mnistInMemory(split: 'train' | 'test', limit = Infinity): Promise<loader.ImageDataset> {
  const full = await loader.ImageDataset.fromManifest(MNIST, split);
  return blobDataset(full, limit, `${full.name}[:${Math.min(limit, full.length)}]`);
}

/**
 * Records every batch the loader's iterations yield (to the Trainer, say) as
 * "epoch:index:dataset indices", in the order they were consumed.
 */
function recordBatches(target: loader.DataLoader, seen: string[]): void {
  const iterate = target.iterate.bind(target);
  target[Symbol.asyncIterator] = () => {
    const it = iterate();
    return {
      next: async () => {
        const r = await it.next();
        if (!r.done) seen.push(`${r.value.epoch}:${r.value.index}:${[...r.value.indices].join(',')}`);
        return r;
      },
      return: (value?: unknown) => it.return!(value as never),
    };
  };
}

/** Objects a test keeps in the page between page.evaluate calls (loaders, trainers). */
const kept: Record<string, unknown> = {};

/** Every unhandled rejection and error in the page; tests assert it stays empty. */
const problems: string[] = [];
window.addEventListener('unhandledrejection', (e) => problems.push(`unhandledrejection: ${String(e.reason)}`));
window.addEventListener('error', (e) => problems.push(`error: ${e.message}`));

/** What the package does not export, for the tests that check it directly. */
const internal = { DefaultUploader, DirectUploader, affineFor, currentDevice };

const api = { tf, loader, train, internal, mnist, mnistSubset, mnistInMemory, recordBatches, MNIST_NORMALIZE, kept, problems };
declare global {
  interface Window {
    train: typeof api;
  }
}
window.train = api;
document.title = 'Feedline training harness (ready)';
