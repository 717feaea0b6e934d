/**
 * npm run bench: loader throughput in headless Chromium, as ratios measured
 * in one run (never as timed assertions: these machines are shared and noisy).
 *
 * For each scenario, numWorkers 0 (the main thread, no prefetch) is the
 * baseline; the ratio is samples/s over the baseline's. Results go to stdout
 * and bench/results/latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { CHROMIUM_FLAGS, requireChromium } from '../tests/browser/chromium-path.ts';
import type { CacheMeasurement, Measurement } from './bench-page.ts';
import { benchShards, type ShardsResult } from './shards.ts';
import { decodeBench, type DecodeResults } from './decode.ts';
import { benchTrainStall, type TrainStallResult } from './train-stall.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = '/datasets/fixtures/manifest.json';

interface Scenario {
  name: string;
  manifest: string;
  options: Record<string, unknown>;
  epochs: number;
  /** Main-thread work per batch, standing in for a training step. */
  stepMs: number;
  /** Sources as in-memory Blobs: no HTTP in the timed epochs. */
  inMemory?: boolean;
}

const SHAPES = '/datasets/shapes/manifest.json';
const resized = { batchSize: 10, image: { width: 224, height: 224 } };
const scenarios: Scenario[] = [
  { name: 'shapes 160x160 JPEG over HTTP, loader only', manifest: SHAPES, options: { batchSize: 32 }, epochs: 1, stepMs: 0 },
  { name: 'shapes 160x160 JPEG from Blobs, loader only', manifest: SHAPES, options: { batchSize: 32 }, epochs: 1, stepMs: 0, inMemory: true },
  {
    name: 'shapes 160x160 JPEG from Blobs, 30 ms step per batch',
    manifest: SHAPES,
    options: { batchSize: 32 },
    epochs: 1,
    stepMs: 30,
    inMemory: true,
  },
  { name: 'fixtures 12x10 over HTTP, loader only', manifest: FIXTURES, options: { batchSize: 10 }, epochs: 20, stepMs: 0 },
  { name: 'fixtures 12x10 from Blobs, loader only', manifest: FIXTURES, options: { batchSize: 10 }, epochs: 20, stepMs: 0, inMemory: true },
  { name: 'fixtures resized to 224x224 from Blobs, loader only', manifest: FIXTURES, options: resized, epochs: 10, stepMs: 0, inMemory: true },
  {
    name: 'fixtures resized to 224x224 from Blobs, 20 ms step per batch',
    manifest: FIXTURES,
    options: resized,
    epochs: 5,
    stepMs: 20,
    inMemory: true,
  },
];
const WORKERS = [0, 1, 2, 4];

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
const size224 = { batchSize: 32, image: { width: 224, height: 224 } };
const cacheScenarios: CacheScenario[] = [
  { name: 'shapes 160x160 JPEG over HTTP', manifest: SHAPES, options: { batchSize: 32 } },
  { name: 'shapes 160x160 JPEG from Blobs', manifest: SHAPES, options: { batchSize: 32 }, inMemory: true },
  { name: 'shapes resized to 224x224 over HTTP', manifest: SHAPES, options: size224 },
  { name: 'shapes resized to 224x224 from Blobs', manifest: SHAPES, options: size224, inMemory: true },
];
const CACHE_WORKERS = [0, 2];
/**
 * BENCH_ONLY=cache, shards (bench/shards.ts), decode (bench/decode.ts) or train (bench/train-stall.ts) runs only those scenarios and
 * replaces only that part of latest.json (with its own machine line), keeping the rest.
 */
const only = process.env.BENCH_ONLY;

interface CacheRun extends CacheMeasurement {
  numWorkers: number;
  /** Samples/s of the warm and the cold cached epoch over the uncached one. */
  warmOverUncached: number;
  coldOverUncached: number;
}

async function main(): Promise<void> {
  if (only && !['cache', 'shards', 'decode', 'train'].includes(only)) throw new Error(`BENCH_ONLY=${only}: the partial runs are cache, shards, decode and train`);
  const server = await createServer({ root, configFile: join(root, 'vite.config.ts'), server: { port: 0 }, logLevel: 'warn' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
  const browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_FLAGS });
  const results: Array<Scenario & { runs: Array<Measurement & { numWorkers: number; ratio: number }> }> = [];
  const cache: Array<CacheScenario & { runs: CacheRun[] }> = [];
  let shards: ShardsResult | null = null;
  let decode: DecodeResults | null = null;
  let train: TrainStallResult[] | null = null;
  try {
    if (!only || only === 'shards') shards = await benchShards(() => browser.newPage(), url);
    if (!only || only === 'train') {
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
    if (!only || only === 'decode') decode = await decodeBench(page);
    for (const scenario of only ? [] : scenarios) {
      const runs = [];
      for (const numWorkers of WORKERS) {
        const m = await page.evaluate(
          ({ s, n }) => window.bench.measure(s.manifest, { ...s.options, numWorkers: n }, s.epochs, s.stepMs, s.inMemory),
          { s: scenario, n: numWorkers },
        );
        runs.push({ ...m, numWorkers, ratio: 0 });
      }
      for (const run of runs) run.ratio = run.samplesPerSecond / runs[0].samplesPerSecond;
      results.push({ ...scenario, runs });
      print(scenario, runs);
    }
    for (const scenario of only && only !== 'cache' ? [] : cacheScenarios) {
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
  const out = join(root, 'bench', 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  // The 1-minute load average at the end: how much else ran on this machine (a shared one is noisy).
  const machine = { cores: cpus().length, date: new Date().toISOString(), loadAverage: Number(loadavg()[0].toFixed(2)) };
  const previous = only && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
  const parts = {
    cache: { cacheMachine: machine, cache },
    shards: { shardsMachine: machine, shards },
    decode: { decodeMachine: machine, decode },
    train: { trainMachine: machine, train },
  };
  const written = only ? { ...previous, ...parts[only as keyof typeof parts] } : { machine, results, ...parts.cache, ...parts.shards, ...parts.decode, ...parts.train };
  writeFileSync(out, JSON.stringify(written, null, 2) + '\n');
  if (only) console.log(`\nBENCH_ONLY=${only}: only the ${only} part of latest.json was replaced`);
  console.log(`\nwrote ${out}`);
}

function print(scenario: Scenario, runs: Array<Measurement & { numWorkers: number; ratio: number }>): void {
  console.log(`\n${scenario.name} (${scenario.epochs} epochs, ${JSON.stringify(scenario.options)})`);
  console.log('numWorkers  samples/s  vs 0 workers  consumer wait ms  mode');
  for (const r of runs) {
    console.log(
      `${String(r.numWorkers).padStart(10)}  ${r.samplesPerSecond.toFixed(0).padStart(9)}  ${r.ratio.toFixed(2).padStart(11)}x  ${r.consumerWaitMs.toFixed(0).padStart(16)}  ${r.mode}`,
    );
  }
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
