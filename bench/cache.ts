/**
 * Scenario 7 of `npm run bench` (alone: BENCH_ONLY=cache): the sample cache
 * (option `cache: 'indexeddb'`) on the 2,000 shapes JPEGs over HTTP, as files
 * and as shards: a steady uncached epoch, the cold cached epoch that fills
 * the cache, and the warm one served from it (bench/bench-page.ts measureCache).
 */
import type { Page } from '@playwright/test';
import type { CacheMeasurement, Measurement } from './bench-page.ts';

interface CacheScenario {
  name: string;
  manifest: string;
  options: Record<string, unknown>;
}
const SCENARIOS: CacheScenario[] = [
  { name: 'shapes 160x160 JPEG files over HTTP', manifest: '/datasets/shapes/manifest.json', options: { batchSize: 32 } },
  { name: 'shapes 160x160 JPEG shards over HTTP', manifest: '/datasets/shapes/shards/manifest.json', options: { batchSize: 32 } },
];
/** One worker count: the cache's effect is the same shape at 0 and 2 (bench/results/2026-11.json has both). */
const WORKERS = [2];

export interface CacheRun extends CacheMeasurement {
  numWorkers: number;
  /** Samples/s of the warm and the cold cached epoch over the uncached one. */
  warmOverUncached: number;
  coldOverUncached: number;
}

export type CacheResult = CacheScenario & { runs: CacheRun[] };

export async function benchCache(page: Page): Promise<CacheResult[]> {
  const results: CacheResult[] = [];
  for (const scenario of SCENARIOS) {
    const runs: CacheRun[] = [];
    for (const numWorkers of WORKERS) {
      const m = await page.evaluate(({ s, n }) => window.bench.measureCache(s.manifest, { ...s.options, numWorkers: n }), { s: scenario, n: numWorkers });
      const over = (x: Measurement) => x.samplesPerSecond / m.uncached.samplesPerSecond;
      runs.push({ ...m, numWorkers, warmOverUncached: over(m.warm), coldOverUncached: over(m.cold) });
    }
    results.push({ ...scenario, runs });
    print(scenario, runs);
  }
  return results;
}

function print(scenario: CacheScenario, runs: CacheRun[]): void {
  console.log(`\ncache: ${scenario.name} (${JSON.stringify(scenario.options)})`);
  console.log('numWorkers  uncached/s  cold/s (x)      warm/s (x)      warm hits/misses  stored MB');
  for (const r of runs) {
    const rate = (m: Measurement, x?: number) => `${m.samplesPerSecond.toFixed(0).padStart(6)}${x === undefined ? '' : ` (${x.toFixed(2)}x)`}`.padEnd(16);
    const warm = r.cache.epochs[1] ?? { hits: 0, misses: 0 };
    console.log(
      `${String(r.numWorkers).padStart(10)}  ${rate(r.uncached).padStart(10)}  ${rate(r.cold, r.coldOverUncached)}${rate(r.warm, r.warmOverUncached)}` +
        `${`${warm.hits}/${warm.misses}`.padStart(16)}  ${(r.cache.storedBytes / 1e6).toFixed(0).padStart(9)}` +
        (r.cache.notice ? `  NOTICE: ${r.cache.notice}` : ''),
    );
  }
}
