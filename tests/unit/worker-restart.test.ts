/**
 * Worker restart and handover (src/loader/worker-supervisor.ts, NOTE: worker
 * restart) on real worker_threads: faults (src/loader/testing/faults.ts) make a
 * worker end itself, throw outside any sample or block its event loop, before,
 * in the middle of, or after publishing a batch. The loader must notice,
 * start a replacement, hand it the unfinished batches, and deliver every
 * batch exactly once, in order, with the right pixels.
 */
import { describe, expect, it } from 'vitest';
import type { WorkerFault } from '../../src/loader/testing/faults.ts';
import { memDataset, memSrc } from './support/fake-reader.ts';
import { bounded, flat, openLoader, range, sleep, takeEpoch, wrongPixels } from './support/loader-harness.ts';

const TINY = { width: 3, height: 2, channels: 3 as const };
/** Short, so that a dead worker is noticed within a test's patience. */
const HEARTBEAT = { workerTimeoutMs: 200 };

const WORKER_MODES = [
  { name: '1 worker, shared ring', numWorkers: 1, mode: 'shared' },
  { name: '3 workers, shared ring', numWorkers: 3, mode: 'shared' },
  { name: '3 workers, transfer mode', numWorkers: 3, mode: 'transfer' },
] as const;

const KINDS = ['exit', 'throw', 'hang'] as const;
const POINTS = ['start', 'mid', 'published'] as const;

/** How the loader learns of each kind of death, as stats().restarts[].cause says it. */
const CAUSES: Record<WorkerFault['kind'], RegExp> = {
  exit: /^did not answer for 200 ms \(`workerTimeoutMs`\): hung, so it was terminated$/,
  hang: /^did not answer for 200 ms \(`workerTimeoutMs`\): hung, so it was terminated$/,
  throw: /^fault injected: worker \d (throw)s at batch 2 of epoch 0 \((start|mid|published)\)$/,
};

describe.each(WORKER_MODES)('a worker that dies mid-epoch ($name)', (mode) => {
  it.each(KINDS.flatMap((kind) => POINTS.map((at) => [kind, at] as const)))(
    "is replaced when it does '%s' at '%s' of batch 2, and every batch arrives once, in order, intact",
    async (kind, at) => {
      const faults: WorkerFault[] = [{ kind, at, batch: 2 }];
      const { loader, workers } = openLoader(mode, memDataset(26, TINY), { batchSize: 4, ...HEARTBEAT }, { seed: 3, maxDelayMs: 3 }, { faults });
      const seen = await bounded(
        takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull()),
        10_000,
        `the epoch with a worker that does '${kind}'`,
      );
      expect(seen.map((b) => b.index)).toEqual(range(7));
      expect(flat(seen)).toEqual(range(26));
      const stats = loader.stats();
      expect(stats.restarts).toHaveLength(1);
      expect(stats.restarts[0]).toMatchObject({ incarnation: 1, cause: expect.stringMatching(CAUSES[kind]) });
      expect(stats.restarts[0].unfinished).toBeGreaterThanOrEqual(1);
      expect(stats.skipped).toEqual([]);
      expect(stats.epochs).toEqual([{ epoch: 0, samples: 26, delivered: 26, skipped: 0, abandoned: 0, end: 'complete' }]);
      expect(workers).toHaveLength(mode.numWorkers + 1);
      // The next epoch runs on the replacement as on any worker.
      expect(flat(await takeEpoch(loader))).toEqual(range(26));
      loader.close();
      await bounded(Promise.all(workers.map((w) => w.exited)), 3000, 'every worker thread, the dead one included, to exit');
    },
  );

  it('delivers each batch once with inOrder false when a worker dies after publishing', async () => {
    const faults: WorkerFault[] = [{ kind: 'exit', at: 'published', batch: 1 }, { kind: 'hang', at: 'mid', batch: 4 }];
    const { loader } = openLoader(mode, memDataset(30, TINY), { batchSize: 4, inOrder: false, ...HEARTBEAT }, { seed: 5, maxDelayMs: 4 }, { faults });
    const seen = await bounded(takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull()), 10_000, 'the epoch');
    expect(seen.map((b) => b.index).sort((a, b) => a - b)).toEqual(range(8));
    expect(flat(seen).sort((a, b) => a - b)).toEqual(range(30));
    expect(loader.stats().restarts.length).toBeGreaterThanOrEqual(1);
  });
});

describe('restarts are bounded', () => {
  it('fails the loader with a WorkerError that says so when every replacement dies at the same batch', async () => {
    const faults: WorkerFault[] = [{ kind: 'exit', batch: 0, times: Infinity }];
    const { loader, workers } = openLoader(
      { numWorkers: 1, mode: 'shared' },
      memDataset(12, TINY),
      { batchSize: 4, maxWorkerRestarts: 2, ...HEARTBEAT },
      {},
      { faults },
    );
    const seen: number[] = [];
    const epoch = takeEpoch(loader, Infinity, (b) => seen.push(b.index));
    await expect(bounded(epoch, 10_000, 'the epoch')).rejects.toThrow(
      'DataLoader worker 0: died 3 times in a row while loading batch 0 of epoch 0, and `maxWorkerRestarts` is 2: the loader gives up. ' +
        'Last death: did not answer for 200 ms (`workerTimeoutMs`): hung, so it was terminated',
    );
    expect(seen).toEqual([]);
    expect(loader.stats().restarts.map((r) => r.incarnation)).toEqual([1, 2, null]);
    expect(workers).toHaveLength(3);
    loader.close();
    await bounded(Promise.all(workers.map((w) => w.exited)), 3000, 'every worker thread to exit');
  });

  it('counts deaths in a row only: a replacement that finishes a batch earns the worker a fresh allowance', async () => {
    // Incarnation 0 dies at batch 1; incarnation 1 finishes batch 1, then dies at batch 2; incarnation 2 finishes.
    const faults: WorkerFault[] = [
      { kind: 'exit', batch: 1 },
      { kind: 'throw', at: 'published', batch: 2, times: 2 },
    ];
    const { loader } = openLoader({ numWorkers: 1, mode: 'shared' }, memDataset(16, TINY), { batchSize: 4, maxWorkerRestarts: 1, prefetchFactor: 1, ...HEARTBEAT }, {}, { faults });
    const seen = await bounded(takeEpoch(loader), 10_000, 'the epoch');
    expect(flat(seen)).toEqual(range(16));
    expect(loader.stats().restarts.map((r) => r.incarnation)).toEqual([1, 2]);
  });

  it("notices a worker that throws from its 'error' event even with the heartbeat off", async () => {
    const faults: WorkerFault[] = [{ kind: 'throw', at: 'mid', batch: 0 }];
    const { loader } = openLoader({ numWorkers: 2, mode: 'transfer' }, memDataset(12, TINY), { batchSize: 4, workerTimeoutMs: 0 }, {}, { faults });
    expect(flat(await bounded(takeEpoch(loader), 10_000, 'the epoch'))).toEqual(range(12));
    expect(loader.stats().restarts).toEqual([
      { worker: expect.any(Number), incarnation: 1, cause: 'fault injected: worker 0 throws at batch 0 of epoch 0 (mid)', unfinished: 1 },
    ]);
  });
});

describe('a worker that is slow is not a worker that is dead', () => {
  it('keeps a worker whose samples are slower than workerTimeoutMs: its event loop still answers', async () => {
    const slow = { [memSrc(2)]: 600, [memSrc(5)]: 500 };
    const { loader } = openLoader({ numWorkers: 2, mode: 'shared' }, memDataset(8, TINY), { batchSize: 4, ...HEARTBEAT }, { slow });
    expect(flat(await bounded(takeEpoch(loader), 10_000, 'the epoch'))).toEqual(range(8));
    expect(loader.stats().restarts).toEqual([]);
  });

  it('survives a freeze of every thread longer than timeoutMs and workerTimeoutMs: nothing times out, nothing restarts', async () => {
    // A 'freeze' fault (src/loader/testing/) blocks the main thread and every worker at once, as a frozen page does.
    const faults = [{ kind: 'freeze' as const, batch: 3, ms: 1200 }];
    for (const mode of [{ numWorkers: 0, mode: 'shared' }, { numWorkers: 3, mode: 'shared' }, { numWorkers: 2, mode: 'transfer' }] as const) {
      const { loader } = openLoader(mode, memDataset(40, TINY), { batchSize: 4, timeoutMs: 300, onError: 'skip', ...HEARTBEAT }, { seed: 2, maxDelayMs: 5 }, { faults });
      const start = performance.now();
      const seen = await bounded(takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull()), 15_000, 'the frozen epoch');
      expect(performance.now() - start).toBeGreaterThanOrEqual(1200); // the freeze really happened
      expect(flat(seen)).toEqual(range(40));
      expect([mode, loader.stats().skipped]).toEqual([mode, []]);
      expect([mode, loader.stats().restarts]).toEqual([mode, []]);
      loader.close();
    }
  });
});

describe('stopping an epoch cancels its work', () => {
  it('aborts the samples of a stopped epoch in the workers, so its slots come back without timeoutMs', async () => {
    // Batch 1 hangs forever (no timeoutMs): only cancelling it can free its slot.
    const { loader } = openLoader({ numWorkers: 2, mode: 'shared' }, memDataset(16, TINY), { batchSize: 4, prefetchFactor: 1 }, { hang: [memSrc(5)] });
    expect(flat(await takeEpoch(loader, 1))).toEqual([0, 1, 2, 3]);
    await bounded(
      (async () => {
        while (loader.stats().ring.free !== loader.slots) await sleep(10);
      })(),
      3000,
      'the hung job of the stopped epoch to give its slot back',
    );
    expect(loader.stats().epochs[0]).toMatchObject({ end: 'break', delivered: 4, skipped: 0, abandoned: 12 });
    // And the next epoch still meets the hung sample: it was never skipped.
    const iterator = loader[Symbol.asyncIterator]();
    expect((await iterator.next()).value!.indices).toEqual(Int32Array.from([0, 1, 2, 3]));
    await iterator.return!();
  });
});
