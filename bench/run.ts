/**
 * npm run bench: loader throughput in headless Chromium, as ratios measured
 * in one run (never as timed assertions: these machines are shared and noisy).
 *
 * For each scenario, numWorkers 0 (the main thread, no prefetch) is the
 * baseline; the ratio is samples/s over the baseline's. Results go to stdout
 * and bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { CHROMIUM_FLAGS, requireChromium } from '../tests/browser/chromium-path.ts';
import type { Measurement } from './bench-page.ts';

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

async function main(): Promise<void> {
  const server = await createServer({ root, configFile: join(root, 'vite.config.ts'), server: { port: 0 }, logLevel: 'warn' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
  const browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_FLAGS });
  const results: Array<Scenario & { runs: Array<Measurement & { numWorkers: number; ratio: number }> }> = [];
  try {
    const page = await browser.newPage();
    await page.goto(new URL('bench/bench.html', url).href);
    await page.waitForFunction(() => document.title.includes('ready'));
    for (const scenario of scenarios) {
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
  } finally {
    await browser.close();
    await server.close();
  }
  const out = join(root, 'bench', 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  const machine = { cores: (await import('node:os')).cpus().length, date: new Date().toISOString() };
  writeFileSync(out, JSON.stringify({ machine, results }, null, 2) + '\n');
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

await main();
