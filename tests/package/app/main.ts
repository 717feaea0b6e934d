/**
 * What an app does with the installed package: load the fixture dataset from
 * this app's public/ through two workers and write the first two batches to
 * the page as JSON, for tests/package/package.spec.ts to check.
 */
import { DataLoader, ImageDataset } from 'feedline';

interface BatchOut {
  labels: number[];
  indices: number[];
  shape: number[];
  pixels: number[];
}

async function run(): Promise<{ mode: string; isolated: boolean; batches: BatchOut[] }> {
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
  return { mode: loader.mode, isolated: globalThis.crossOriginIsolated === true, batches };
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
