/**
 * npm run bench: Feedline against what a browser user would write instead,
 * in headless Chromium on the production build (`vite build` of the app and
 * the bench pages, served by `vite preview` with the isolation headers), as
 * ratios measured in one run: never as timed assertions (these machines are
 * shared and noisy). Figures are medians of BENCH_REPS (default 3) runs
 * after a warm-up.
 *
 * Scenarios: decode against baselines (bench/decode.ts), overlap with a
 * busy consumer including numWorkers 'auto' (this file), the hand-off
 * (bench/handoff.ts), time to first batch (bench/first-batch.ts), memory
 * over 10 epochs (bench/memory.ts), shards (bench/shards.ts), the cache, and
 * the playground's training run with its UI cost (bench/train-stall.ts).
 * Upload: `npm run bench:upload`.
 *
 * `npm run bench -- --quick`: one repetition of the decode, overlap,
 * hand-off and first-batch scenarios (about 3 minutes here), written to
 * bench/results/quick.json. Results go to stdout and bench/results/latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_FLAGS, requireChromium } from '../tests/browser/chromium-path.ts';
import type { CacheMeasurement, Measurement } from './bench-page.ts';
import { benchFirstBatch, type FirstBatchRun } from './first-batch.ts';
import { benchHandoff, type HandoffSummary } from './handoff.ts';
import { medianBy } from './median.ts';
import { benchMemory, type MemoryResult } from './memory.ts';
import { benchShards, type ShardsResult } from './shards.ts';
import { decodeBench, type DecodeResults } from './decode.ts';
import { benchTrainStall, type TrainStallResult } from './train-stall.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Scenario {
  name: string;
  manifest: string;
  options: Record<string, unknown>;
  epochs: number;
  /** Main-thread work per batch, standing in for a training step; MATCHED: the main thread's own load time. */
  stepMs: number;
  /** Sources as in-memory Blobs: no HTTP in the timed epochs. */
  inMemory?: boolean;
}

const SHAPES = '/datasets/shapes/manifest.json';
/**
 * Scenario 2's consumer: a busy loop of C ms a batch, C = what loading one
 * batch costs the main thread itself (numWorkers 0, measured first in the
 * same run). Overlap can then at best double samples/s: the claim is at least 1.7x.
 */
const MATCHED = -1;
const scenarios: Scenario[] = [
  { name: 'shapes 160x160 JPEG over HTTP, loader only', manifest: SHAPES, options: { batchSize: 32 }, epochs: 1, stepMs: 0 },
  { name: 'shapes 160x160 JPEG from Blobs, loader only', manifest: SHAPES, options: { batchSize: 32 }, epochs: 1, stepMs: 0, inMemory: true },
  {
    name: 'shapes 160x160 JPEG from Blobs, consumer busy C ms a batch (C = the main thread\'s own load time)',
    manifest: SHAPES,
    options: { batchSize: 32 },
    epochs: 1,
    stepMs: MATCHED,
    inMemory: true,
  },
];
type Workers = number | 'auto';
const WORKERS: Workers[] = [0, 1, 2, 4, 'auto'];
const quick = process.argv.includes('--quick');
const reps = Number(process.env.BENCH_REPS ?? (quick ? 1 : 3));
/** --quick: the overlap scenario that states the prefetching claim, and fewer worker counts. */
const QUICK_WORKERS: Workers[] = [0, 2, 4, 'auto'];

/**
 * The sample cache (option `cache: 'indexeddb'`): a steady uncached epoch, the
 * cold cached epoch that fills the cache, and the warm one served from it.
 */
interface CacheScenario {
  name: string;
  manifest: string;
  options: Record<string, unknown>;
  inMemory?: boolean;
}
const cacheScenarios: CacheScenario[] = [
  { name: 'shapes 160x160 JPEG files over HTTP', manifest: SHAPES, options: { batchSize: 32 } },
  { name: 'shapes 160x160 JPEG shards over HTTP', manifest: '/datasets/shapes/shards/manifest.json', options: { batchSize: 32 } },
];
const CACHE_WORKERS = [0, 2];
/**
 * BENCH_ONLY=cache, shards (bench/shards.ts), decode (bench/decode.ts), train (bench/train-stall.ts),
 * handoff (bench/handoff.ts), first-batch (bench/first-batch.ts) or memory (bench/memory.ts) runs only those scenarios and
 * replaces only that part of latest.json (with its own machine line), keeping the rest.
 */
const only = process.env.BENCH_ONLY;
const PARTS = ['cache', 'shards', 'decode', 'train', 'handoff', 'first-batch', 'memory'];

interface CacheRun extends CacheMeasurement {
  numWorkers: number;
  /** Samples/s of the warm and the cold cached epoch over the uncached one. */
  warmOverUncached: number;
  coldOverUncached: number;
}

async function main(): Promise<void> {
  if (only && !PARTS.includes(only)) throw new Error(`BENCH_ONLY=${only}: the partial runs are ${PARTS.join(', ')}`);
  const server = await productionServer();
  const url = server.resolvedUrls?.local[0] ?? 'http://localhost:4173/';
  const browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_FLAGS });
  const browserVersion = browser.version();
  const results: Array<Scenario & { runs: OverlapRun[]; autoOverBestFixed: number }> = [];
  let handoff: HandoffSummary | null = null;
  let firstBatch: FirstBatchRun[] | null = null;
  let memory: MemoryResult | null = null;
  const cache: Array<CacheScenario & { runs: CacheRun[] }> = [];
  let shards: ShardsResult | null = null;
  let decode: DecodeResults | null = null;
  let train: TrainStallResult[] | null = null;
  try {
    if (!quick && (!only || only === 'shards')) shards = await benchShards(() => browser.newPage(), url);
    if (!quick && (!only || only === 'train')) {
      train = [];
      for (const dataset of ['mnist', 'mnist-files']) {
        const r = await benchTrainStall(browser, url, dataset);
        train.push(r);
        console.log(`\nthe playground's default run on ${dataset} (${r.backend}), steps ${r.from} to ${r.to}:`);
        console.log(`  data stall ${r.waitMs} ms, compute ${r.computeMs} ms (of which upload ${r.uploadMs} ms) a step: stall ${(100 * r.stallShare).toFixed(1)}% of step time`);
        console.log(`  main thread busy ${r.mainThreadMsPerSecond} ms/s, of which the page's UI ${r.uiMsPerSecond} ms/s`);
      }
    }
    const page = await browser.newPage();
    page.on('console', (msg) => msg.type() === 'warning' && console.warn(`page: ${msg.text()}`));
    await page.goto(new URL('bench/bench.html', url).href);
    await page.waitForFunction(() => document.title.includes('ready'));
    if (!only || only === 'decode') decode = await decodeBench(page, reps, quick);
    if (!only || only === 'handoff') handoff = await benchHandoff(page, reps, quick ? 50 : 200);
    if (!only || only === 'first-batch') firstBatch = await benchFirstBatch(page, reps, quick ? [2] : [0, 2, 4]);
    if (!quick && (!only || only === 'memory')) memory = await benchMemory(page);
    for (const listed of only ? [] : scenarios.filter((x) => !quick || x.stepMs === MATCHED)) {
      let scenario = listed;
      if (listed.stepMs === MATCHED) {
        const alone = await page.evaluate(({ s }) => window.bench.measure(s.manifest, { ...s.options, numWorkers: 0 }, s.epochs, 0, s.inMemory), { s: listed });
        const stepMs = Number(((1000 * Number(listed.options.batchSize)) / alone.samplesPerSecond).toFixed(1));
        scenario = { ...listed, name: listed.name.replace(/C ms a batch \(.*\)$/, `${stepMs} ms a batch (the main thread's own load time)`), stepMs };
      }
      const runs: OverlapRun[] = [];
      for (const numWorkers of quick ? QUICK_WORKERS : WORKERS) {
        const measured: Measurement[] = [];
        for (let r = 0; r < reps; r++) {
          measured.push(
            await page.evaluate(({ s, n }) => window.bench.measure(s.manifest, { ...s.options, numWorkers: n }, s.epochs, s.stepMs, s.inMemory), {
              s: scenario,
              n: numWorkers,
            }),
          );
        }
        const m = medianBy(measured, (x) => x.samplesPerSecond);
        runs.push({ ...m, numWorkers, ratio: 0, waitShare: m.consumerWaitMs / m.ms });
      }
      for (const run of runs) run.ratio = run.samplesPerSecond / runs[0].samplesPerSecond;
      const fixed = runs.filter((r) => r.numWorkers !== 'auto');
      const auto = runs.find((r) => r.numWorkers === 'auto');
      const autoOverBestFixed = auto ? auto.samplesPerSecond / Math.max(...fixed.map((r) => r.samplesPerSecond)) : NaN;
      results.push({ ...scenario, runs, autoOverBestFixed });
      print(scenario, runs, autoOverBestFixed);
    }
    for (const scenario of quick || (only && only !== 'cache') ? [] : cacheScenarios) {
      const runs: CacheRun[] = [];
      for (const numWorkers of CACHE_WORKERS) {
        const m = await page.evaluate(
          ({ s, n }) => window.bench.measureCache(s.manifest, { ...s.options, numWorkers: n }, s.inMemory),
          { s: scenario, n: numWorkers },
        );
        const over = (x: Measurement) => x.samplesPerSecond / m.uncached.samplesPerSecond;
        runs.push({ ...m, numWorkers, warmOverUncached: over(m.warm), coldOverUncached: over(m.cold) });
      }
      cache.push({ ...scenario, runs });
      printCache(scenario, runs);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const out = join(root, 'bench', 'results', quick ? 'quick.json' : 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  // The 1-minute load average at the end: how much else ran on this machine (a shared one is noisy).
  const machine = {
    cores: cpus().length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    browser: `Chromium ${browserVersion}`,
    build: 'production (vite build + vite preview)',
    reps,
    quick,
    date: new Date().toISOString(),
    loadAverage: Number(loadavg()[0].toFixed(2)),
  };
  const previous = only && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
  const parts = {
    cache: { cacheMachine: machine, cache },
    shards: { shardsMachine: machine, shards },
    decode: { decodeMachine: machine, decode },
    train: { trainMachine: machine, train },
    handoff: { handoffMachine: machine, handoff },
    'first-batch': { firstBatchMachine: machine, firstBatch },
    memory: { memoryMachine: machine, memory },
  };
  const all = { ...parts.cache, ...parts.shards, ...parts.decode, ...parts.train, ...parts.handoff, ...parts['first-batch'], ...parts.memory };
  const written = only ? { ...previous, ...parts[only as keyof typeof parts] } : { machine, results, ...all };
  writeFileSync(out, JSON.stringify(written, null, 2) + '\n');
  if (only) console.log(`\nBENCH_ONLY=${only}: only the ${only} part of latest.json was replaced`);
  console.log(`\nwrote ${out}`);
}

interface OverlapRun extends Measurement {
  numWorkers: Workers;
  /** Samples/s over numWorkers 0's. */
  ratio: number;
  /** The share of the consumer's time spent waiting for a batch. */
  waitShare: number;
}

/** The production build of the app and the bench pages, served with the isolation headers (vite.config.ts). */
async function productionServer() {
  const pages = { index: 'index.html', bench: 'bench/bench.html', shards: 'bench/shards.html' };
  const outDir = join(root, 'dist-bench');
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: Object.fromEntries(Object.entries(pages).map(([k, v]) => [k, join(root, v)])) } },
  });
  return preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port: 0, strictPort: false } });
}

function print(scenario: Scenario, runs: OverlapRun[], autoOverBestFixed: number): void {
  console.log(`\n${scenario.name} (${scenario.epochs} epochs, ${JSON.stringify(scenario.options)}, median of ${reps})`);
  console.log('numWorkers  samples/s  vs 0 workers  consumer waits  mode');
  for (const r of runs) {
    console.log(
      `${String(r.numWorkers).padStart(10)}  ${r.samplesPerSecond.toFixed(0).padStart(9)}  ${r.ratio.toFixed(2).padStart(11)}x  ${(100 * r.waitShare).toFixed(1).padStart(13)}%  ${r.mode}`,
    );
  }
  if (Number.isFinite(autoOverBestFixed)) console.log(`'auto' = ${autoOverBestFixed.toFixed(2)}x the best fixed numWorkers`);
}

function printCache(scenario: CacheScenario, runs: CacheRun[]): void {
  console.log(`\ncache: ${scenario.name} (${JSON.stringify(scenario.options)})`);
  console.log('numWorkers  uncached/s  cold/s (x)      warm/s (x)      warm hits/misses  stored MB');
  for (const r of runs) {
    const rate = (m: Measurement, x?: number) =>
      `${m.samplesPerSecond.toFixed(0).padStart(6)}${x === undefined ? '' : ` (${x.toFixed(2)}x)`}`.padEnd(16);
    const warm = r.cache.epochs[1] ?? { hits: 0, misses: 0 };
    console.log(
      `${String(r.numWorkers).padStart(10)}  ${rate(r.uncached).padStart(10)}  ${rate(r.cold, r.coldOverUncached)}${rate(r.warm, r.warmOverUncached)}` +
        `${`${warm.hits}/${warm.misses}`.padStart(16)}  ${(r.cache.storedBytes / 1e6).toFixed(0).padStart(9)}` +
        (r.cache.notice ? `  NOTICE: ${r.cache.notice}` : ''),
    );
  }
}

await main();
