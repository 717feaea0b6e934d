/**
 * CustomDataset in Node: the test module (support/custom-module.ts) run on
 * the main thread (numWorkers 0, imported) and in worker_threads that expose
 * the worker API with its definition, as defineDataset does in a browser
 * worker. Batches are identical for any numWorkers and ring mode; getItem's
 * failures are sample failures named by index, source and worker; init's
 * throw is a WorkerError; a module that does not load is one error.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DataLoader } from '../../src/loader/data-loader.ts';
import { CustomDataset } from '../../src/loader/datasets/custom-dataset.ts';
import { SampleError, WorkerError } from '../../src/loader/errors.ts';
import type { DataLoaderOptions } from '../../src/loader/options.ts';
import type { RingMode } from '../../src/loader/slot-pool.ts';
import type { TestArgs } from './support/custom-module.ts';
import { NodeWorkerEndpoint, startWorker, workerScript } from './support/threads.ts';

const CUSTOM_WORKER = await workerScript(new URL('./support/custom-worker.ts', import.meta.url));

function dataset(args: TestArgs, length = 20, module: () => Promise<unknown> = () => import('./support/custom-module.ts')) {
  const workers: NodeWorkerEndpoint[] = [];
  const data = CustomDataset.fromModule({
    name: 'noisy',
    length,
    sample: { shape: [3], dtype: 'float32' },
    args,
    worker: () => {
      const w = new NodeWorkerEndpoint(startWorker(CUSTOM_WORKER));
      workers.push(w);
      return w;
    },
    module: module as () => Promise<{ default: never }>,
  });
  onTestFinished(async () => void (await Promise.all(workers.map((w) => w.exited))));
  return data;
}

function open(data: CustomDataset<TestArgs>, numWorkers: number, mode: RingMode, options: DataLoaderOptions = {}) {
  const loader = new DataLoader(data, { ...options, numWorkers }, { mode });
  onTestFinished(() => loader.close());
  return loader;
}

async function epoch(loader: DataLoader<CustomDataset<TestArgs>>) {
  const seen: Array<{ indices: number[]; labels: number[]; values: number[]; skipped: number[] }> = [];
  for await (const b of loader) {
    seen.push({ indices: [...b.indices], labels: [...b.labels], values: [...b.values], skipped: b.skipped.map((s) => s.index) });
  }
  return seen;
}

describe('CustomDataset', () => {
  it('gives identical batches on the main thread and with 1 and 3 workers, shared and transfer; each epoch draws anew', async () => {
    const options = { batchSize: 6, shuffle: true, seed: 5 };
    const runs = [];
    for (const [numWorkers, mode] of [[0, 'shared'], [1, 'shared'], [3, 'shared'], [3, 'transfer']] as const) {
      const loader = open(dataset({ scale: 2 }), numWorkers, mode, options);
      runs.push([await epoch(loader), await epoch(loader)]);
    }
    for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
    const [first, second] = runs[0];
    expect(first.flatMap((b) => b.indices).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const b of first) {
      b.indices.forEach((i, j) => {
        expect(b.labels[j]).toBe(i % 4);
        expect(b.values[j * 3]).toBe(i);
        expect(b.values[j * 3 + 2]).toBe(2);
      });
    }
    // Index 0's random draw differs between epochs (the generator is seeded by (seed, epoch, index)).
    const draw = (batches: typeof first, i: number) => {
      const b = batches.find((x) => x.indices.includes(i))!;
      return b.values[b.indices.indexOf(i) * 3 + 1];
    };
    expect(draw(first, 0)).not.toBe(draw(second, 0));
  });

  it('resumes mid-epoch from state() to the batches of an uninterrupted run, random draws included', async () => {
    const options = { batchSize: 4, shuffle: true, seed: 8 };
    const whole = await epoch(open(dataset({ scale: 3 }), 2, 'shared', options));
    const partial = open(dataset({ scale: 3 }), 2, 'shared', options);
    const head = [];
    for await (const b of partial) {
      head.push({ indices: [...b.indices], labels: [...b.labels], values: [...b.values], skipped: [] as number[] });
      if (head.length === 2) break;
    }
    const resumed = open(dataset({ scale: 3 }), 3, 'transfer', { ...options, resumeFrom: partial.state() });
    expect([...head, ...(await epoch(resumed))]).toEqual(whole);
    expect(() => new DataLoader(dataset({ scale: 4 }), { ...options, resumeFrom: partial.state() })).toThrow(/whose sources or labels differ/);
  });

  it("under 'skip' drops every getItem that throws and names it; under 'raise' the error names the index, source, batch and worker", async () => {
    const skipping = open(dataset({ scale: 1, failEvery: 7 }), 2, 'shared', { batchSize: 5, onError: 'skip' });
    const batches = await epoch(skipping);
    expect(batches.flatMap((b) => b.skipped)).toEqual([0, 7, 14]);
    expect(batches.flatMap((b) => b.indices)).toHaveLength(17);
    const raising = open(dataset({ scale: 1, failEvery: 7 }), 2, 'shared', { batchSize: 5 });
    const error = await epoch(raising).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleError);
    expect((error as SampleError).message).toMatch(
      /^Caught Error in DataLoader worker [01] loading sample 0 \(noisy\[0\]\) of batch 0, epoch 0: dataset: IOError: cannot read sample 0$/,
    );
  });

  it("with continueAfterError, next() throws each failed batch's SampleError and the epoch goes on to the next batch", async () => {
    for (const numWorkers of [0, 2]) {
      const loader = open(dataset({ scale: 1, failEvery: 7 }), numWorkers, 'shared', { batchSize: 5 });
      const batches = loader.iterate({ continueAfterError: true });
      const seen: number[] = [];
      const errors: string[] = [];
      for (let i = 0; i < loader.length; i++) {
        try {
          const { value, done } = await batches.next();
          if (done) break;
          seen.push(value.index);
        } catch (error) {
          if (!(error instanceof SampleError)) throw error;
          errors.push(`batch ${error.batch} epoch ${error.epoch} sample ${error.index}`);
        }
      }
      expect(errors).toEqual(['batch 0 epoch 0 sample 0', 'batch 1 epoch 0 sample 7', 'batch 2 epoch 0 sample 14']);
      expect(seen).toEqual([3]);
      expect(await batches.next()).toEqual({ done: true, value: undefined });
      expect(loader.state()).toMatchObject({ epoch: 1, consumed: 0 });
    }
  });

  it('fails a sample whose values are not the declared shape and dtype, naming what it got and what was declared', async () => {
    for (const numWorkers of [0, 2]) {
      const loader = open(dataset({ scale: 1, wrongAt: 3 }), numWorkers, 'shared', { batchSize: 4 });
      const error = (await epoch(loader).catch((e: unknown) => e)) as SampleError;
      expect(error.index).toBe(3);
      expect(error.reason).toBe('dataset');
      expect(error.message).toContain(
        'getItem(3) returned values as a Float64Array of length 3; the dataset declares shape [3] float32 (a Float32Array of length 3)',
      );
    }
  });

  it('times out a slow getItem under timeoutMs, aborting its signal, and carries on with the rest', async () => {
    const loader = open(dataset({ scale: 1, slowAt: 2, slowMs: 60_000 }), 2, 'shared', { batchSize: 4, timeoutMs: 200, onError: 'skip' });
    const batches = await epoch(loader);
    expect(batches.flatMap((b) => b.skipped)).toEqual([2]);
    expect(loader.stats().skipped.map((s) => [s.index, s.reason])).toEqual([[2, 'timeout']]);
  });

  it('a worker that dies in getItem (found by its heartbeat) is replaced, and its batch loads again: every sample once, one restart', async () => {
    const loader = open(dataset({ scale: 1, dieAt: 9, dieOnce: new SharedArrayBuffer(4) }), 2, 'shared', { batchSize: 4, workerTimeoutMs: 500 });
    const batches = await epoch(loader);
    expect(batches.flatMap((b) => b.indices)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(batches.flatMap((b) => b.values.filter((_, k) => k % 3 === 0))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(loader.stats().restarts).toHaveLength(1);
  });

  it("makes init()'s throw a WorkerError naming the worker", async () => {
    const loader = open(dataset({ scale: 1, initThrowsIn: 0 }), 1, 'shared', { batchSize: 4 });
    const error = await epoch(loader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).message).toBe("DataLoader worker 0: the dataset's init() threw: TypeError: no seed for worker 0");
  });

  it('gives one clear error when the module does not load on the main thread, not one per sample', async () => {
    const broken = dataset({ scale: 1 }, 20, () => Promise.reject(new Error('Failed to fetch dynamically imported module')));
    const loader = open(broken, 0, 'shared', { batchSize: 4, onError: 'skip' });
    const error = await epoch(loader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).message).toBe(
      'DataLoader worker -1: the dataset module failed to load: Error: Failed to fetch dynamically imported module',
    );
    expect(loader.stats().skipped).toEqual([]);
  });

  it('refuses numWorkers 0 without a `module` to import on the main thread', () => {
    const data = CustomDataset.fromModule({ name: 'x', length: 1, sample: { shape: [1], dtype: 'uint8' }, worker: () => null as never });
    expect(() => new DataLoader(data, { numWorkers: 0 })).toThrow(/needs `module: \(\) => import/);
  });
});
