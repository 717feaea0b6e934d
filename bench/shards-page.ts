/**
 * Runs in the shards bench page: one loader over MNIST's test split in one
 * of three forms (packed shards, per-file URLs, in-memory Blobs), its first
 * epoch and the steady ones after it timed.
 */
import { blobDataset } from '../tests/browser/blob-dataset.ts';
import { DataLoader, ImageDataset, type DataLoaderOptions, type ShardStats } from '../src/loader/index.ts';

export type Form = 'shards' | 'files' | 'blobs';

export interface FormMeasurement {
  samples: number;
  /** The loader's first epoch: workers start; shards are fetched, files fetched through the HTTP cache. */
  firstPerSecond: number;
  /** Its later epochs (`steadyEpochs` of them, together): shards resident, files from the HTTP cache. */
  steadyPerSecond: number;
  consumerWaitMs: number;
  mode: string;
  shards: ShardStats | null;
}

const MANIFESTS: Record<Form, string> = {
  shards: '/datasets/mnist/shards/manifest.json',
  files: '/datasets/mnist/manifest.json',
  blobs: '/datasets/mnist/manifest.json',
};

async function epoch(loader: DataLoader): Promise<{ samples: number; perSecond: number }> {
  let samples = 0;
  const start = performance.now();
  for await (const batch of loader) {
    samples += batch.size;
    batch.release();
  }
  return { samples, perSecond: (samples / (performance.now() - start)) * 1000 };
}

async function measureForm(form: Form, options: DataLoaderOptions, steadyEpochs = 1): Promise<FormMeasurement> {
  let dataset = await ImageDataset.fromManifest(MANIFESTS[form], 'test');
  if (form === 'blobs') dataset = await blobDataset(dataset);
  const loader = new DataLoader(dataset, options);
  try {
    const first = await epoch(loader);
    const waitBefore = loader.stats().consumerWaitMs;
    let samples = 0;
    const start = performance.now();
    for (let e = 0; e < steadyEpochs; e++) samples += (await epoch(loader)).samples;
    const steadyPerSecond = (samples / (performance.now() - start)) * 1000;
    const stats = loader.stats();
    return {
      samples,
      firstPerSecond: first.perSecond,
      steadyPerSecond,
      consumerWaitMs: stats.consumerWaitMs - waitBefore,
      mode: loader.mode,
      shards: stats.shards ?? null,
    };
  } finally {
    loader.close();
  }
}

declare global {
  interface Window {
    shardsBench: { measureForm: typeof measureForm };
  }
}
window.shardsBench = { measureForm };
document.title = 'Feedline shards bench (ready)';
