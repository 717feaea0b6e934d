/**
 * TensorDataset through the whole loader in Node: on the main thread and on
 * real worker_threads (shared ring and transfer mode), rows copied intact
 * into batches of [n, ...sampleShape], the same order for any numWorkers,
 * resume, and the image-only options refused.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DataLoader } from '../../src/loader/data-loader.ts';
import { TensorDataset } from '../../src/loader/datasets/tensor-dataset.ts';
import { OptionError } from '../../src/loader/errors.ts';
import type { DataLoaderOptions } from '../../src/loader/options.ts';
import { MODES, type LoaderMode } from './support/loader-harness.ts';
import { NodeWorkerEndpoint, startWorker, workerScript } from './support/threads.ts';

const LOADER_WORKER = await workerScript(new URL('./support/loader-worker.ts', import.meta.url));

/** n samples of shape [2, 3]: element k of sample i is i * 10 + k / 10; label i % 5. */
function rows(n: number): TensorDataset {
  const values = Float32Array.from({ length: n * 6 }, (_, x) => Math.floor(x / 6) * 10 + (x % 6) / 10);
  return TensorDataset.from(values, Array.from({ length: n }, (_, i) => i % 5), [2, 3]);
}

function open(mode: Pick<LoaderMode, 'numWorkers' | 'mode'>, dataset: TensorDataset, options: DataLoaderOptions = {}) {
  const workers: NodeWorkerEndpoint[] = [];
  const createWorker = () => {
    const w = new NodeWorkerEndpoint(startWorker(LOADER_WORKER, { reader: {} }));
    workers.push(w);
    return w;
  };
  const loader = new DataLoader(dataset, { ...options, numWorkers: mode.numWorkers }, { mode: mode.mode, createWorker });
  onTestFinished(async () => {
    loader.close();
    await Promise.all(workers.map((w) => w.exited));
  });
  return loader;
}

interface Seen {
  shape: number[];
  indices: number[];
  labels: number[];
  values: number[];
}

async function epoch(loader: DataLoader<TensorDataset>, limit = Infinity): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const b of loader) {
    seen.push({ shape: [...b.shape], indices: [...b.indices], labels: [...b.labels], values: [...b.values] });
    if (seen.length >= limit) break;
  }
  return seen;
}

const expectIntact = (batches: Seen[]) => {
  for (const b of batches) {
    b.indices.forEach((i, j) => {
      expect(b.labels[j]).toBe(i % 5);
      expect(b.values.slice(j * 6, j * 6 + 6)).toEqual(Array.from({ length: 6 }, (_, k) => Math.fround(i * 10 + k / 10)));
    });
  }
};

describe.each(MODES)('TensorDataset $name', (mode) => {
  it('delivers every row once per epoch, shuffled, as float32 batches of [n, 2, 3] with its label', async () => {
    const loader = open(mode, rows(23), { batchSize: 4, shuffle: true, seed: 3 });
    const first = await epoch(loader);
    const second = await epoch(loader);
    for (const batches of [first, second]) {
      expect(batches.map((b) => b.shape)).toEqual([...Array(5).fill([4, 2, 3]), [3, 2, 3]]);
      expect(batches.flatMap((b) => b.indices).sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
      expectIntact(batches);
    }
    expect(first.flatMap((b) => b.indices)).not.toEqual(second.flatMap((b) => b.indices));
  });

  it("traces each row as the sample's 'decode' and 'write' phases, by index, beside each batch", async () => {
    const loader = open(mode, rows(10), { batchSize: 4 });
    const events: Array<{ phase: string; index?: number; batch: number }> = [];
    const stop = loader.onTrace((e) => events.push({ phase: e.phase, index: e.index, batch: e.batch }));
    await epoch(loader);
    stop();
    const of = (phase: string) => events.filter((e) => e.phase === phase);
    for (const phase of ['decode', 'write']) expect(of(phase).map((e) => e.index).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(of('fetch')).toEqual([]);
    expect(of('batch').map((e) => e.batch).sort()).toEqual([0, 1, 2]);
  });

  it('gives the batches numWorkers 0 gives, and resumes mid-epoch to the same batches', async () => {
    const options = { batchSize: 5, shuffle: true, seed: 9, dropLast: true };
    const reference = await epoch(open({ numWorkers: 0, mode: 'shared' }, rows(23), options));
    const loader = open(mode, rows(23), options);
    expect(await epoch(loader)).toEqual(reference);
    const partial = open(mode, rows(23), options);
    const head = await epoch(partial, 2);
    const resumed = open(mode, rows(23), { ...options, resumeFrom: partial.state() });
    expect([...head, ...(await epoch(resumed))]).toEqual(reference);
  });
});

describe('TensorDataset', () => {
  it('copies its data once into shared memory where it exists, uint8 data giving uint8 batches', async () => {
    const dataset = TensorDataset.from(Uint8Array.from([1, 2, 3, 4, 5, 6]), [7, 8, 9], [2]);
    expect(dataset.shared).toBe(true);
    expect(dataset.values(1)).toEqual(Uint8Array.from([3, 4]));
    expect(dataset.source(2)).toBe('tensor[2]');
    const loader = open({ numWorkers: 2, mode: 'shared' }, dataset, { batchSize: 2 });
    const [batch] = await epoch(loader, 1);
    expect(batch).toEqual({ shape: [2, 2], indices: [0, 1], labels: [7, 8], values: [1, 2, 3, 4] });
    expect(loader.options.dtype).toBe('uint8');
  });

  it('refuses values of the wrong length, another array type, and labels that are not integers', () => {
    expect(() => TensorDataset.from(new Float32Array(5), [0, 1], [3])).toThrow('2 labels and sample shape [3] need 6 values; got 5');
    expect(() => TensorDataset.from(new Float64Array(6) as never, [0, 1], [3])).toThrow('must be a Float32Array or a Uint8Array; got [object Float64Array]');
    expect(() => TensorDataset.from(new Float32Array(6), [0, 1.5], [3])).toThrow('label 1 is 1.5');
    expect(() => TensorDataset.from(new Float32Array(6), [0, 1], [0, 3])).toThrow(OptionError);
  });

  it('refuses the options that only mean something for images, by name', () => {
    const dataset = rows(4);
    expect(() => new DataLoader(dataset, { image: { width: 4, height: 4 } })).toThrow(/option `image` applies to image datasets only/);
    expect(() => new DataLoader(dataset, { augment: [{ type: 'RandomHorizontalFlip' }] })).toThrow(/option `augment` applies to image datasets only/);
    expect(() => new DataLoader(dataset, { normalize: { mean: 0.5, std: 0.5 } })).toThrow(/option `normalize` applies to image datasets only/);
    expect(() => new DataLoader(dataset, { cache: 'indexeddb' })).toThrow(/option `cache` applies to image datasets only/);
    expect(() => new DataLoader(dataset, { dtype: 'uint8' })).toThrow("must be the dataset's own dtype ('float32') or left out");
  });

  it("refuses a state saved over other values: the fingerprint covers the data", async () => {
    const loader = open({ numWorkers: 0, mode: 'shared' }, rows(8), { batchSize: 2 });
    await epoch(loader, 1);
    const state = loader.state();
    expect(state.basis.image).toBe('tensor [2, 3]');
    const values = Float32Array.from({ length: 48 }, (_, x) => x);
    const other = TensorDataset.from(values, Array.from({ length: 8 }, (_, i) => i % 5), [2, 3]);
    expect(() => new DataLoader(other, { batchSize: 2, resumeFrom: state })).toThrow(/whose sources or labels differ/);
    expect(() => new DataLoader(rows(8), { batchSize: 2, resumeFrom: state })).not.toThrow();
  });
});
