/**
 * Scenario 5 of `npm run bench` (bench/bench-page.ts firstBatchMs): ms from
 * `new DataLoader` with cold workers to the first batch, for shapes files and
 * shards over HTTP, and again from a warm IndexedDB cache. Median of `reps`.
 */
import type { Page } from '@playwright/test';
import { median } from './median.ts';

export interface FirstBatchRun {
  dataset: string;
  numWorkers: number;
  coldMs: number;
  warmCacheMs: number;
}

const DATASETS = [
  { dataset: 'shapes files', manifest: '/datasets/shapes/manifest.json' },
  { dataset: 'shapes shards', manifest: '/datasets/shapes/shards/manifest.json' },
];

export async function benchFirstBatch(page: Page, reps: number, workerCounts: number[]): Promise<FirstBatchRun[]> {
  const runs: FirstBatchRun[] = [];
  console.log(`\ntime to first batch (batches of 32, median of ${reps}):`);
  console.log('dataset          numWorkers  cold workers  warm cache');
  for (const { dataset, manifest } of DATASETS) {
    for (const numWorkers of workerCounts) {
      const at = async (warm: boolean) => {
        const times = [];
        for (let r = 0; r < reps; r++) {
          times.push(await page.evaluate((a) => window.bench.firstBatchMs(a.manifest, { batchSize: 32, numWorkers: a.numWorkers }, a.warm), { manifest, numWorkers, warm }));
        }
        return median(times);
      };
      const run = { dataset, numWorkers, coldMs: await at(false), warmCacheMs: await at(true) };
      runs.push(run);
      console.log(`${dataset.padEnd(15)}  ${String(numWorkers).padStart(10)}  ${run.coldMs.toFixed(0).padStart(9)} ms  ${run.warmCacheMs.toFixed(0).padStart(7)} ms`);
    }
  }
  return runs;
}
