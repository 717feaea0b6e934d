/**
 * Scenario 5 of `npm run bench` (bench/bench-page.ts firstBatchMs): ms from
 * `new DataLoader` with cold workers to the first batch, for shapes files and
 * shards over HTTP, and again from a warm IndexedDB cache (filled once per
 * dataset by a full epoch, then read by each measurement). Median of `reps`.
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
const BATCH = 32;

/** `quick`: the shards only (filling the cache from files takes a slow epoch). */
export async function benchFirstBatch(page: Page, reps: number, workerCounts: number[], quick = false): Promise<FirstBatchRun[]> {
  const runs: FirstBatchRun[] = [];
  console.log(`\ntime to first batch (batches of ${BATCH}, median of ${reps}):`);
  console.log('dataset          numWorkers  cold workers  warm cache');
  for (const { dataset, manifest } of DATASETS.filter((d) => !quick || d.dataset.endsWith('shards'))) {
    const at = async (numWorkers: number, cache: 'none' | 'indexeddb') => {
      const times = [];
      for (let r = 0; r < reps; r++) {
        times.push(await page.evaluate((a) => window.bench.firstBatchMs(a.manifest, { batchSize: a.batch, numWorkers: a.numWorkers, cache: a.cache }), { manifest, numWorkers, cache, batch: BATCH }));
      }
      return median(times);
    };
    const cold = [];
    for (const numWorkers of workerCounts) cold.push(await at(numWorkers, 'none'));
    await page.evaluate((a) => window.bench.fillCache(a.manifest, { batchSize: a.batch }), { manifest, batch: BATCH });
    for (const [i, numWorkers] of workerCounts.entries()) {
      const run = { dataset, numWorkers, coldMs: cold[i], warmCacheMs: await at(numWorkers, 'indexeddb') };
      runs.push(run);
      console.log(`${dataset.padEnd(15)}  ${String(numWorkers).padStart(10)}  ${run.coldMs.toFixed(0).padStart(9)} ms  ${run.warmCacheMs.toFixed(0).padStart(7)} ms`);
    }
    await page.evaluate(() => window.bench.fillCache('', {}, true));
  }
  return runs;
}
