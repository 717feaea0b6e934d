/**
 * BENCH_ONLY=shards npm run bench: MNIST over HTTP as packed shards against
 * the same digits as per-file URLs and as in-memory Blobs (fetched before the
 * loader starts), numWorkers 0 and 2, in one run. The ratios
 * shards/Blobs and shards/files are what the shard format promises
 * (targets: >= 0.8x Blobs, >= 5x files); measured on the epochs after each
 * loader's first (STEADY_EPOCHS), with the first (which fetches the shards)
 * recorded beside it.
 */
import type { Page } from '@playwright/test';
import type { Form, FormMeasurement } from './shards-page.ts';

const FORMS: Form[] = ['shards', 'blobs', 'files'];
const WORKERS = [0, 2];
const OPTIONS = { batchSize: 64, shuffle: true, seed: 1 };
/** Steady epochs timed per loader: an epoch of shards or Blobs lasts a second or two, too short to time alone on a shared machine. */
const STEADY_EPOCHS: Record<Form, number> = { shards: 4, blobs: 4, files: 1 };

export interface ShardsRun {
  numWorkers: number;
  forms: Record<Form, FormMeasurement>;
  /** Steady (later epochs) samples/s of shards over Blobs and over files; then the same for first epochs. */
  shardsOverBlobs: number;
  shardsOverFiles: number;
  firstShardsOverBlobs: number;
  firstShardsOverFiles: number;
}

export interface ShardsResult {
  name: string;
  options: typeof OPTIONS;
  steadyEpochs: Record<Form, number>;
  runs: ShardsRun[];
}

/** Runs the scenario in a new page of the bench's server at `url`; prints and returns it. */
export async function benchShards(newPage: () => Promise<Page>, url: string): Promise<ShardsResult> {
  const page = await newPage();
  await page.goto(new URL('bench/shards.html', url).href);
  await page.waitForFunction(() => document.title.includes('ready'));
  const runs: ShardsRun[] = [];
  for (const numWorkers of WORKERS) {
    const forms = {} as Record<Form, FormMeasurement>;
    for (const form of FORMS) {
      forms[form] = await page.evaluate(({ form, options, epochs }) => window.shardsBench.measureForm(form, options, epochs), {
        form,
        options: { ...OPTIONS, numWorkers },
        epochs: STEADY_EPOCHS[form],
      });
    }
    const { shards, blobs, files } = forms;
    runs.push({
      numWorkers,
      forms,
      shardsOverBlobs: shards.steadyPerSecond / blobs.steadyPerSecond,
      shardsOverFiles: shards.steadyPerSecond / files.steadyPerSecond,
      firstShardsOverBlobs: shards.firstPerSecond / blobs.firstPerSecond,
      firstShardsOverFiles: shards.firstPerSecond / files.firstPerSecond,
    });
  }
  await page.close();
  const result = { name: 'MNIST test split (2,000 digits) over HTTP: shards vs Blobs vs files', options: OPTIONS, steadyEpochs: STEADY_EPOCHS, runs };
  print(result);
  return result;
}

function print(result: ShardsResult): void {
  const n = (x: number, width: number) => x.toFixed(0).padStart(width);
  const x = (v: number) => `${v.toFixed(2)}x`.padStart(8);
  console.log(`\nshards: ${result.name} (${JSON.stringify(result.options)}); samples/s, steady epochs (1st epoch)`);
  console.log('numWorkers        shards           Blobs           files   shards/Blobs  shards/files  (1st epoch: /Blobs /files)');
  for (const r of result.runs) {
    const rate = (form: Form) => `${n(r.forms[form].steadyPerSecond, 6)} (${n(r.forms[form].firstPerSecond, 5)})`;
    console.log(
      `${String(r.numWorkers).padStart(10)}  ${rate('shards').padStart(14)}  ${rate('blobs').padStart(14)}  ${rate('files').padStart(14)}` +
        `  ${x(r.shardsOverBlobs).padStart(12)}  ${x(r.shardsOverFiles).padStart(12)}  ${x(r.firstShardsOverBlobs)} ${x(r.firstShardsOverFiles)}`,
    );
  }
}
