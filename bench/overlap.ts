/**
 * Scenario 2 of `npm run bench`, the prefetching claim (alone:
 * BENCH_ONLY=overlap): the 2,000 shapes JPEGs from in-memory Blobs, batches
 * of 32, with a consumer that keeps the main thread busy C ms a batch, C = what loading one batch costs the
 * main thread itself (numWorkers 0, measured first in the same run). With
 * such a consumer overlap can at best double samples/s: the claim is at
 * least 1.7x, and under 2% of the consumer's time spent waiting.
 *
 * Each setting is one loader: a warm-up epoch (workers start; 'auto' tunes),
 * then the timed epoch. 'auto' rows are compared with the best fixed row.
 */
import type { Page } from '@playwright/test';
import type { Measurement } from './bench-page.ts';
import { medianBy } from './median.ts';

const SHAPES = '/datasets/shapes/manifest.json';
const MATCHED = -1;

interface Scenario {
  name: string;
  manifest: string;
  options: Record<string, unknown>;
  /** Main-thread work per batch, standing in for a training step; MATCHED: the main thread's own load time. */
  stepMs: number;
}

/** The loader alone (no consumer cost) is the decode part's measurement (bench/decode.ts). */
const SCENARIOS: Scenario[] = [
  { name: 'shapes 160x160 JPEG from Blobs, consumer busy C ms a batch', manifest: SHAPES, options: { batchSize: 32 }, stepMs: MATCHED },
];

export interface Setting {
  numWorkers: number | 'auto';
  prefetchFactor: number | 'auto';
}
const fixed = (numWorkers: number): Setting => ({ numWorkers, prefetchFactor: 2 });
const AUTO_BOTH: Setting = { numWorkers: 'auto', prefetchFactor: 'auto' };
/** 'auto' is both settings at once, as the playground offers them. */
const SETTINGS: Setting[] = [fixed(0), fixed(1), fixed(2), fixed(4), AUTO_BOTH];
const QUICK_SETTINGS: Setting[] = [fixed(0), fixed(2), AUTO_BOTH];

export interface OverlapRun extends Measurement, Setting {
  /** Samples/s over numWorkers 0's. */
  ratio: number;
  /** The share of the consumer's time spent waiting for a batch. */
  waitShare: number;
}

export interface OverlapResult extends Scenario {
  runs: OverlapRun[];
  /** Samples/s of each 'auto' row over the best fixed numWorkers (target: at least 0.9). */
  autoOverBestFixed: Record<string, number>;
}

export const settingLabel = (s: Setting): string =>
  s.numWorkers === 'auto' || s.prefetchFactor === 'auto' ? `${s.numWorkers}/${s.prefetchFactor}` : String(s.numWorkers);

/** `quick`: fewer settings. */
export async function benchOverlap(page: Page, reps: number, quick: boolean): Promise<OverlapResult[]> {
  const results: OverlapResult[] = [];
  for (const listed of SCENARIOS) {
    let scenario = listed;
    if (listed.stepMs === MATCHED) {
      const alone = await page.evaluate(({ s }) => window.bench.measure(s.manifest, { ...s.options, numWorkers: 0 }, 1, 0, true), { s: listed });
      const stepMs = Number(((1000 * Number(listed.options.batchSize)) / alone.samplesPerSecond).toFixed(1));
      scenario = { ...listed, name: listed.name.replace(/C ms a batch$/, `${stepMs} ms a batch (the main thread's own load time)`), stepMs };
    }
    // Interleaved, rep by rep: a change in the machine's load falls on each setting alike.
    const settings = quick ? QUICK_SETTINGS : SETTINGS;
    const measured: Measurement[][] = settings.map(() => []);
    for (let r = 0; r < reps; r++) {
      for (const [i, setting] of settings.entries()) {
        measured[i].push(
          await page.evaluate(({ s, setting }) => window.bench.measure(s.manifest, { ...s.options, ...setting }, 1, s.stepMs, true), { s: scenario, setting }),
        );
      }
    }
    const runs: OverlapRun[] = settings.map((setting, i) => {
      const m = medianBy(measured[i], (x) => x.samplesPerSecond);
      return { ...m, ...setting, ratio: 0, waitShare: m.consumerWaitMs / m.ms };
    });
    for (const run of runs) run.ratio = run.samplesPerSecond / runs[0].samplesPerSecond;
    const best = Math.max(...runs.filter((r) => r.autotune === undefined).map((r) => r.samplesPerSecond));
    const autoOverBestFixed = Object.fromEntries(runs.filter((r) => r.autotune).map((r) => [settingLabel(r), r.samplesPerSecond / best]));
    results.push({ ...scenario, runs, autoOverBestFixed });
    print(scenario, runs, reps);
  }
  return results;
}

function print(scenario: Scenario, runs: OverlapRun[], reps: number): void {
  console.log(`\noverlap: ${scenario.name} (${JSON.stringify(scenario.options)}, median of ${reps})`);
  console.log('numWorkers/prefetch  samples/s  vs 0 workers  consumer waits  auto settled (ms)  ended at');
  const best = Math.max(...runs.filter((r) => !r.autotune).map((r) => r.samplesPerSecond));
  for (const r of runs) {
    const a = r.autotune;
    const tuned = a ? `${String(a.settledAfterMs === null ? 'not yet' : Math.round(a.settledAfterMs)).padStart(17)}  ${a.numWorkers}/${a.prefetchFactor} (${(r.samplesPerSecond / best).toFixed(2)}x best fixed)` : '';
    console.log(
      `${settingLabel(r).padStart(19)}  ${r.samplesPerSecond.toFixed(0).padStart(9)}  ${r.ratio.toFixed(2).padStart(11)}x  ${(100 * r.waitShare).toFixed(1).padStart(13)}%  ${tuned}`,
    );
  }
}
