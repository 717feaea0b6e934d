/**
 * The decode scenario of `npm run bench` (alone: BENCH_ONLY=decode): the 2,000
 * shapes JPEGs (160x160) from in-memory Blobs, resized to 96x96, batches of 32.
 *
 * - The loader for numWorkers 0, 2 and 4: a fresh loader's first epoch (every
 *   Blob's header checked before decoding) against its second (headers known).
 * - The ceiling: the loader's decode work (createImageBitmap, drawImage,
 *   getImageData) with no loader around it, 16 in flight per thread, over as
 *   many threads as the loader setting (numWorkers 0: the main thread).
 * - A plain one-at-a-time main-thread loop of the same work: baseline (a).
 * - The same decode in `tf.data.generator(...).batch(32).prefetch(k)`, what a
 *   TensorFlow.js user would write: baseline (b).
 * - numWorkers and prefetchFactor 'auto' (the loader tunes both), against
 *   the best fixed worker count.
 * - The best worker count again in transfer mode (no SharedArrayBuffer: the
 *   page a host without COOP/COEP gets).
 * - Only with BENCH_ONLY=decode-ways: the alternatives the loader's decode
 *   was chosen from, side by side on 2 workers (bench/decode-ways.ts).
 *
 * Each measurement is repeated `reps` times (BENCH_REPS, default 3); the median is kept.
 */
import type { Page } from '@playwright/test';
import type { EpochRates } from './decode-page.ts';
import type { DecodeWay } from './decode-ways.ts';
import { median, medianBy } from './median.ts';

const MANIFEST = '/datasets/shapes/manifest.json';
const SIZE = 96;
const BATCH = 32;
const WORKERS = [0, 2, 4];
const IN_FLIGHT = 16;
/** tf.data prefetch depth: 8 (tfjs's examples use 2, which measured the same: 275 against 263/s on 2026-12-02). */
const TF_DATA_PREFETCH = [8];
const ALTERNATIVES: DecodeWay[] = [
  'ceiling',
  'slice-header',
  'composite-header',
  'composite-4k',
  'composite-ahead',
  'resize-at-decode',
  'copy-to',
  'image-decoder',
];

export interface DecodeRun {
  numWorkers: number;
  firstEpoch: number;
  secondEpoch: number;
  /** firstEpoch / secondEpoch: target >= 0.8. */
  firstOverSecond: number;
  /** The ceiling on as many threads. */
  ceiling: number;
}

export interface DecodeResults {
  scenario: string;
  reps: number;
  runs: DecodeRun[];
  plainLoop: number;
  /** Samples/s of the tf.data pipeline, by prefetch depth. */
  tfData: Array<{ prefetch: number; rate: number }>;
  /** The best worker count's second epoch in transfer mode, and over its shared-ring rate. */
  transfer: { numWorkers: number; rate: number; overShared: number };
  best: { numWorkers: number; rate: number; overCeiling: number; overPlainLoop: number; overTfData: number };
  /** numWorkers and prefetchFactor 'auto': second-epoch samples/s, over the best fixed count's (target >= 0.9), and what it settled on. */
  auto: { rate: number; overBestFixed: number; overBestWorkers: number; numWorkers: number; prefetchFactor: number; settledAfterMs: number | null };
  /** Samples/s of each way on 2 workers, IN_FLIGHT each. */
  alternatives: Record<string, number>;
}


/** `alternatives`: also the ways the loader's decode was chosen from (for its design, not for comparing it). */
export async function decodeBench(page: Page, reps: number, alternatives = false): Promise<DecodeResults> {
  const count = await page.evaluate((m) => window.decodeBench.load(m), MANIFEST);
  const scenario = `shapes ${count} JPEGs 160x160 from Blobs, resized to ${SIZE}x${SIZE}, batches of ${BATCH}`;
  const ways = async (way: DecodeWay, threads: number, inFlight: number, times = reps) => {
    const rates = [];
    for (let r = 0; r < times; r++) rates.push(await page.evaluate((a) => window.decodeBench.ways(a.way, a.threads, a.inFlight, a.size), { way, threads, inFlight, size: SIZE }));
    return median(rates);
  };
  // The loader's settings interleaved, rep by rep: a change in the machine's load falls on each alike.
  const settings: Array<number | 'auto'> = [...WORKERS, 'auto'];
  const epochsOf = new Map<number | 'auto', EpochRates[]>(settings.map((n) => [n, []]));
  for (let r = 0; r < reps; r++) {
    for (const n of settings) {
      const prefetch: number | 'auto' = n === 'auto' ? 'auto' : 2;
      epochsOf.get(n)!.push(await page.evaluate((a) => window.decodeBench.loaderEpochs(a.n, a.size, a.batch, 'shared', a.prefetch), { n, size: SIZE, batch: BATCH, prefetch }));
    }
  }
  const runs: DecodeRun[] = [];
  for (const numWorkers of WORKERS) {
    const epochs = epochsOf.get(numWorkers)!;
    const firstEpoch = median(epochs.map((e) => e.first));
    const secondEpoch = median(epochs.map((e) => e.second));
    const ceiling = await ways('ceiling', numWorkers, IN_FLIGHT);
    runs.push({ numWorkers, firstEpoch, secondEpoch, firstOverSecond: firstEpoch / secondEpoch, ceiling });
  }
  const plainLoop = await ways('ceiling', 0, 1);
  const tfData = [];
  for (const prefetch of TF_DATA_PREFETCH) {
    const rates = [];
    for (let r = 0; r < reps; r++) rates.push(await page.evaluate((a) => window.decodeBench.tfData(a.prefetch, a.size, a.batch), { prefetch, size: SIZE, batch: BATCH }));
    tfData.push({ prefetch, rate: median(rates) });
  }
  const top = runs.reduce((a, b) => (b.secondEpoch > a.secondEpoch ? b : a));
  const bestTfData = Math.max(...tfData.map((t) => t.rate));
  const best = {
    numWorkers: top.numWorkers,
    rate: top.secondEpoch,
    overCeiling: top.secondEpoch / top.ceiling,
    overPlainLoop: top.secondEpoch / plainLoop,
    overTfData: top.secondEpoch / bestTfData,
  };
  const autoRun = medianBy(epochsOf.get('auto')!, (e) => e.second);
  const bestWorkers = runs.filter((x) => x.numWorkers > 0).reduce((a, b) => (b.secondEpoch > a.secondEpoch ? b : a));
  const auto = {
    rate: autoRun.second,
    overBestFixed: autoRun.second / top.secondEpoch,
    overBestWorkers: autoRun.second / bestWorkers.secondEpoch,
    ...autoRun.tuned!,
  };
  const transferRates = [];
  for (let r = 0; r < reps; r++) {
    transferRates.push((await page.evaluate((a) => window.decodeBench.loaderEpochs(a.n, a.size, a.batch, 'transfer'), { n: top.numWorkers, size: SIZE, batch: BATCH })).second);
  }
  const transfer = { numWorkers: top.numWorkers, rate: median(transferRates), overShared: median(transferRates) / top.secondEpoch };
  // Interleaved, so a change in the machine's load falls on every way alike.
  const altRates = new Map<DecodeWay, number[]>(ALTERNATIVES.map((w) => [w, []]));
  for (let r = 0; r < (alternatives ? reps : 0); r++) {
    for (const way of ALTERNATIVES) altRates.get(way)!.push(await ways(way, 2, IN_FLIGHT, 1));
  }
  const measuredWays = Object.fromEntries([...altRates].filter(([, rates]) => rates.length > 0).map(([way, rates]) => [way, median(rates)]));
  const results = { scenario, reps, runs, plainLoop, tfData, transfer, best, auto, alternatives: measuredWays };
  printDecode(results);
  return results;
}

function printDecode(r: DecodeResults): void {
  const f = (x: number) => x.toFixed(0).padStart(9);
  console.log(`\ndecode: ${r.scenario} (median of ${r.reps})`);
  console.log('numWorkers  1st epoch/s  2nd epoch/s  1st/2nd  ceiling/s (same threads)');
  for (const x of r.runs) console.log(`${String(x.numWorkers).padStart(10)}  ${f(x.firstEpoch)}    ${f(x.secondEpoch)}    ${x.firstOverSecond.toFixed(2)}x  ${f(x.ceiling)}`);
  console.log(`(a) plain one-at-a-time main-thread loop: ${r.plainLoop.toFixed(0)}/s`);
  for (const t of r.tfData) console.log(`(b) tf.data.generator(...).batch(${BATCH}).prefetch(${t.prefetch}), same decode: ${t.rate.toFixed(0)}/s`);
  console.log(`transfer mode, numWorkers ${r.transfer.numWorkers}: ${r.transfer.rate.toFixed(0)}/s = ${r.transfer.overShared.toFixed(2)}x the shared ring`);
  console.log(
    `best: numWorkers ${r.best.numWorkers} at ${r.best.rate.toFixed(0)}/s = ${r.best.overCeiling.toFixed(2)}x its ceiling, ` +
      `${r.best.overPlainLoop.toFixed(2)}x the plain loop (a), ${r.best.overTfData.toFixed(2)}x tf.data (b)`,
  );
  const a = r.auto;
  console.log(
    `'auto' (numWorkers and prefetchFactor): ${a.rate.toFixed(0)}/s = ${a.overBestFixed.toFixed(2)}x the best fixed count, ${a.overBestWorkers.toFixed(2)}x the best with workers; ` +
      `ended at ${a.numWorkers} workers x ${a.prefetchFactor}, settled ${a.settledAfterMs === null ? 'not yet' : `after ${Math.round(a.settledAfterMs)} ms`}`,
  );
  if (Object.keys(r.alternatives).length > 0) console.log(`alternatives on 2 workers, ${IN_FLIGHT} in flight each (samples/s):`);
  for (const [way, rate] of Object.entries(r.alternatives)) console.log(`  ${way.padEnd(18)} ${rate.toFixed(0)}`);
}
