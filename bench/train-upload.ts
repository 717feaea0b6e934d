/**
 * Scenario 4 of `npm run bench` (alone: BENCH_ONLY=upload): ring slot -> GPU
 * tensor, default path vs direct path (GPUQueue.writeBuffer + a WGSL unpack),
 * on WebGPU, then a Trainer.fit epoch per path. Ratios from one run, same
 * batches for both paths (bench/train-upload-page.ts). Here WebGPU is
 * SwiftShader (a CPU emulation), so the numbers say how much work each path
 * does, not how a real GPU fares.
 */
import type { Browser } from '@playwright/test';
import type { FitRun, UploadRun } from './train-upload-page.ts';
import { median } from './median.ts';

interface UploadScenario {
  name: string;
  manifest: string;
  limit: number;
  options: Record<string, unknown>;
  rounds: number;
}

const uploads: UploadScenario[] = [
  { name: 'mnist 28x28x1, batch 256', manifest: '/datasets/mnist/manifest.json', limit: 1024, options: { batchSize: 256 }, rounds: 3 },
  { name: 'shapes 160x160x3, batch 32 (2.4 MB a batch)', manifest: '/datasets/shapes/manifest.json', limit: 128, options: { batchSize: 32 }, rounds: 2 },
];
const fit = { name: 'mnist mlp fit, batch 128, 10 steps', manifest: '/datasets/mnist/manifest.json', limit: 1280, options: { batchSize: 128 }, model: 'mlp', rounds: 3 };


export interface UploadResult {
  adapter: string;
  upload: Array<UploadScenario & { runs: UploadRun[]; summary: PathSummary }>;
  fit: typeof fit & { runs: FitRun[]; summary: PathSummary };
}
interface PathSummary {
  default: number;
  direct: number;
  /** default / direct: how many times faster the direct path is. */
  speedup: number;
}

/** In a new page of the bench's server at `url`. */
export async function benchUpload(browser: Browser, url: string): Promise<UploadResult> {
  const out = {} as UploadResult;
  const page = await browser.newPage();
  try {
    await page.goto(new URL('bench/train-upload.html', url).href);
    await page.waitForFunction(() => document.title.includes('ready'));
    out.adapter = await page.evaluate(() => window.uploadBench.adapter());
    console.log(`\nupload: ring slot to GPU tensor on WebGPU (adapter: ${out.adapter})`);
    const uploadResults = [];
    for (const s of uploads) {
      const runs: UploadRun[] = await page.evaluate((s) => window.uploadBench.measureUpload(s.manifest, s.limit, s.options, s.rounds), s);
      const of = (path: string) => median(runs.filter((r) => r.path === path).map((r) => r.msPerBatch));
      const summary = { default: of('default'), direct: of('direct'), speedup: of('default') / of('direct') };
      uploadResults.push({ ...s, runs, summary });
      console.log(`\n${s.name}: ${runs[0].batches} batches x ${(runs[0].bytes / runs[0].batches / 1e6).toFixed(2)} MB, median of ${s.rounds}`);
      console.log(`  default ${summary.default.toFixed(2)} ms/batch, direct ${summary.direct.toFixed(2)} ms/batch: direct is ${summary.speedup.toFixed(2)}x`);
    }
    out.upload = uploadResults;
    const fitRuns: FitRun[] = await page.evaluate((f) => window.uploadBench.measureFit(f.manifest, f.limit, f.options, f.model, f.rounds), fit);
    const ofFit = (path: string) => median(fitRuns.filter((r) => r.path === path).map((r) => r.ms));
    const fitSummary = { default: ofFit('default'), direct: ofFit('direct'), speedup: ofFit('default') / ofFit('direct') };
    out.fit = { ...fit, runs: fitRuns, summary: fitSummary };
    console.log(`\n${fit.name}, median of ${fit.rounds}: default ${fitSummary.default.toFixed(0)} ms, direct ${fitSummary.direct.toFixed(0)} ms: direct is ${fitSummary.speedup.toFixed(2)}x`);
  } finally {
    await page.close();
  }
  return out;
}
