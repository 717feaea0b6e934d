/**
 * What an app does with the installed package: load the fixture dataset from
 * this app's public/ through two workers and write the first two batches to
 * the page as JSON, for tests/package/package.spec.ts to check.
 */
import { CustomDataset, DataLoader, ImageDataset } from 'feedline';

interface BatchOut {
  labels: number[];
  indices: number[];
  shape: number[];
  pixels: number[];
}

/**
 * A custom dataset from the package, its module bundled by the app's bundler
 * as a worker: [values, labels] of each batch. Not on the plain ES modules
 * page (main.js, no bundler): a .ts worker needs a bundler, and an import map
 * does not reach a worker's bare imports.
 */
async function custom(): Promise<number[][][] | undefined> {
  if (import.meta.url.endsWith('/main.js')) return undefined;
  const dataset = CustomDataset.fromModule({
    name: 'tiny',
    length: 6,
    sample: { shape: [3], dtype: 'uint8' },
    args: { offset: 100 },
    worker: () => new Worker(new URL('./tiny-dataset.ts', import.meta.url), { type: 'module' }),
  });
  const loader = new DataLoader(dataset, { batchSize: 3, numWorkers: 2 });
  const out: number[][][] = [];
  try {
    for await (const batch of loader) out.push([[...batch.values], [...batch.labels]]);
  } finally {
    loader.close();
  }
  return out;
}

async function run(): Promise<{ mode: string; isolated: boolean; batches: BatchOut[]; custom?: number[][][] }> {
  const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json', 'train');
  const loader = new DataLoader(dataset, { batchSize: 4, numWorkers: 2 });
  const batches: BatchOut[] = [];
  try {
    for await (const batch of loader) {
      batches.push({ labels: [...batch.labels], indices: [...batch.indices], shape: [...batch.shape], pixels: [...batch.images] });
      if (batches.length === 2) break;
    }
  } finally {
    loader.close();
  }
  return { mode: loader.mode, isolated: globalThis.crossOriginIsolated === true, batches, custom: await custom() };
}

const out = document.querySelector('#result')!;
run().then(
  (result) => {
    out.textContent = JSON.stringify(result);
    document.title = 'done';
  },
  (error: unknown) => {
    out.textContent = JSON.stringify({ error: String(error) });
    document.title = 'failed';
  },
);
