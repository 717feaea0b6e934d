/**
 * npm run bench: Feedline against what a browser user would write instead,
 * in headless Chromium on the production build (`vite build` of the app and
 * the bench pages, served by `vite preview` with the isolation headers), as
 * ratios measured in one run: never as timed assertions (these machines are
 * shared and noisy). Figures are medians of BENCH_REPS (default 3) runs
 * after a warm-up.
 *
 * The parts, in the order they run (each alone: BENCH_ONLY=<part>, which
 * replaces only that part of latest.json, with its own machine line):
 *   decode       1. the loader against a plain loop, tf.data and the decode ceiling; 'auto' (bench/decode.ts)
 *   overlap      2. a busy consumer, numWorkers 0 to 4 and 'auto' (bench/overlap.ts)
 *   handoff      3. ring slot to usable view against copy, clone, transfer (bench/handoff.ts)
 *   upload       4. ring slot to GPU tensor, default and direct path (bench/train-upload.ts)
 *   first-batch  5. time to first batch, cold and from a warm cache (bench/first-batch.ts)
 *   memory       6. heap and tf.memory() over 10 epochs (bench/memory.ts)
 *   cache        7. the IndexedDB cache, files and shards (bench/cache.ts)
 *   train        8. the playground's own run: data stall and UI cost (bench/train-stall.ts)
 *   shards       MNIST shards against Blobs and files (bench/shards.ts)
 *   decode-ways  the decode part plus the ways the loader's decode was chosen from
 *
 * `npm run bench -- --quick`: one repetition of decode, overlap, hand-off and
 * first batch (134 s here), written to bench/results/quick.json.
 * Results go to stdout and bench/results/latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_FLAGS, requireChromium } from '../tests/browser/chromium-path.ts';
import { benchCache } from './cache.ts';
import { decodeBench } from './decode.ts';
import { benchFirstBatch } from './first-batch.ts';
import { benchHandoff } from './handoff.ts';
import { benchMemory } from './memory.ts';
import { benchOverlap } from './overlap.ts';
import { benchShards } from './shards.ts';
import { benchTrainStall } from './train-stall.ts';
import { benchUpload } from './train-upload.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const reps = Number(process.env.BENCH_REPS ?? (quick ? 1 : 3));
const only = process.env.BENCH_ONLY;

interface Context {
  browser: Browser;
  url: string;
  /** bench/bench.html, loaded and ready: the page most parts drive. */
  page: Page;
}

interface Part {
  name: string;
  /** The key of its results in latest.json (its machine line: `${key}Machine`). */
  key: string;
  inQuick: boolean;
  /** Only when asked for by name. */
  onlyAlone?: boolean;
  run(c: Context): Promise<unknown>;
}

const PARTS: Part[] = [
  { name: 'decode', key: 'decode', inQuick: true, run: (c) => decodeBench(c.page, reps) },
  { name: 'decode-ways', key: 'decode', inQuick: false, onlyAlone: true, run: (c) => decodeBench(c.page, reps, true) },
  { name: 'overlap', key: 'overlap', inQuick: true, run: (c) => benchOverlap(c.page, reps, quick) },
  { name: 'handoff', key: 'handoff', inQuick: true, run: (c) => benchHandoff(c.page, reps, quick ? 50 : 200) },
  { name: 'upload', key: 'upload', inQuick: false, run: (c) => benchUpload(c.browser, c.url) },
  { name: 'first-batch', key: 'firstBatch', inQuick: true, run: (c) => benchFirstBatch(c.page, reps, quick ? [2] : [0, 2, 4], quick) },
  { name: 'memory', key: 'memory', inQuick: false, run: (c) => benchMemory(c.page) },
  { name: 'cache', key: 'cache', inQuick: false, run: (c) => benchCache(c.page) },
  { name: 'train', key: 'train', inQuick: false, run: (c) => trainParts(c.browser, c.url) },
  { name: 'shards', key: 'shards', inQuick: false, run: (c) => benchShards(() => c.browser.newPage(), c.url) },
];

async function trainParts(browser: Browser, url: string) {
  const runs = [];
  for (const dataset of ['mnist', 'mnist-files']) {
    const r = await benchTrainStall(browser, url, dataset);
    runs.push(r);
    console.log(`\nthe playground's default run on ${dataset} (${r.backend}), steps ${r.from} to ${r.to}:`);
    console.log(`  data stall ${r.waitMs} ms, compute ${r.computeMs} ms (of which upload ${r.uploadMs} ms) a step: stall ${(100 * r.stallShare).toFixed(1)}% of step time`);
    console.log(`  main thread busy ${r.mainThreadMsPerSecond} ms/s, of which the page's UI ${r.uiMsPerSecond} ms/s`);
  }
  return runs;
}

async function main(): Promise<void> {
  if (only && !PARTS.some((p) => p.name === only)) throw new Error(`BENCH_ONLY=${only}: the parts are ${PARTS.map((p) => p.name).join(', ')}`);
  const parts = PARTS.filter((p) => (only ? p.name === only : !p.onlyAlone && (!quick || p.inQuick)));
  const started = performance.now();
  const server = await productionServer();
  const url = server.resolvedUrls?.local[0] ?? 'http://localhost:4173/';
  const browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_FLAGS });
  const machine = {
    cores: cpus().length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    browser: `Chromium ${browser.version()}`,
    build: 'production (vite build + vite preview)',
    reps,
    quick,
    date: new Date().toISOString(),
    loadAverage: 0,
  };
  const results: Record<string, unknown> = {};
  const seconds: Record<string, number> = { build: Math.round((performance.now() - started) / 1000) };
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => msg.type() === 'warning' && console.warn(`page: ${msg.text()}`));
    await page.goto(new URL('bench/bench.html', url).href);
    await page.waitForFunction(() => document.title.includes('ready'));
    for (const part of parts) {
      const t0 = performance.now();
      results[part.key] = await part.run({ browser, url, page });
      seconds[part.name] = Math.round((performance.now() - t0) / 1000);
      console.log(`(${part.name}: ${seconds[part.name]} s)`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  // The 1-minute load average at the end: how much else ran on this machine (a shared one is noisy).
  machine.loadAverage = Number(loadavg()[0].toFixed(2));
  const total = Math.round((performance.now() - started) / 1000);
  console.log(`\nseconds per part: ${Object.entries(seconds).map(([k, v]) => `${k} ${v}`).join(', ')}; total ${total} s`);
  const out = join(root, 'bench', 'results', quick ? 'quick.json' : 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  let written: Record<string, unknown>;
  if (only) {
    const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
    const key = parts[0].key;
    written = { ...previous, [`${key}Machine`]: { ...machine, seconds: seconds[only] }, [key]: results[key] };
  } else {
    written = { machine: { ...machine, seconds, totalSeconds: total }, ...results };
  }
  writeFileSync(out, JSON.stringify(written, null, 2) + '\n');
  if (only) console.log(`BENCH_ONLY=${only}: only the ${parts[0].key} part of latest.json was replaced`);
  console.log(`wrote ${out}`);
}

/** The production build of the app and the bench pages, served with the isolation headers (vite.config.ts). */
async function productionServer() {
  const pages = { index: 'index.html', bench: 'bench/bench.html', shards: 'bench/shards.html', upload: 'bench/train-upload.html' };
  const outDir = join(root, 'dist-bench');
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: Object.fromEntries(Object.entries(pages).map(([k, v]) => [k, join(root, v)])) } },
  });
  return preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port: 0, strictPort: false } });
}

await main();
