/**
 * Stopping an epoch (src/loader/epoch-run.ts, NOTE: stopping): an
 * AbortSignal, a break and close() cancel the work in flight, give every slot
 * back, account for what was abandoned, and leave the next epoch whole.
 */
import { describe, expect, it, vi } from 'vitest';
import { LoaderClosedError } from '../../src/loader/errors.ts';
import { memDataset, memSrc } from './support/fake-reader.ts';
import { MODES, bounded, flat, openLoader, range, sleep, takeEpoch } from './support/loader-harness.ts';
import type { DataLoader } from '../../src/loader/data-loader.ts';

const TINY = { width: 2, height: 2, channels: 1 as const };

/** The batches the scheduler sends to producers, in order (the loader's 'dispatch' trace events). */
function watchDispatches(loader: DataLoader): number[] {
  const dispatched: number[] = [];
  loader.onTrace((e) => e.phase === 'dispatch' && dispatched.push(e.batch));
  return dispatched;
}

async function allSlotsFree(loader: DataLoader): Promise<void> {
  await bounded(
    (async () => {
      while (loader.stats().ring.free !== loader.slots) await sleep(5);
    })(),
    3000,
    'every slot to come back',
  );
}

describe.each(MODES)('stopping an epoch $name', (mode) => {
  it('stops at an AbortSignal: next() throws its reason, the work in flight is cancelled, the next epoch is whole', async () => {
    // Sample 9 never loads: only the abort can end its job, since there is no timeoutMs.
    const { loader, readers } = openLoader(mode, memDataset(24, TINY), { batchSize: 4 }, { maxDelayMs: 2, hang: [memSrc(9)] });
    const dispatched = watchDispatches(loader);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const batch of loader.iterate({ signal: controller.signal })) seen.push(batch.index);
    })();
    await bounded(
      (async () => {
        while (seen.length < 2) await sleep(5);
      })(),
      3000,
      'two batches',
    );
    // next() now waits for batch 2, which holds the hung sample: abort once it is out (and, on the main thread, its read hangs).
    await vi.waitFor(() => expect(dispatched).toContain(2));
    if (mode.numWorkers === 0) await vi.waitFor(() => expect(readers[0].started).toContain(memSrc(9)));
    controller.abort(new Error('the user pressed Stop'));
    await expect(bounded(run, 3000, 'the aborted epoch')).rejects.toThrow('the user pressed Stop');
    expect(seen).toEqual([0, 1]);
    if (mode.numWorkers === 0) expect(readers[0].aborted).toContain(memSrc(9));
    await allSlotsFree(loader);
    expect(loader.stats().epochs[0]).toEqual({ epoch: 0, samples: 24, delivered: 8, skipped: 0, abandoned: 16, end: 'abort' });
    expect(loader.stats().skipped).toEqual([]); // cancelled samples are not skips
    // A signal aborted before the first next() stops the epoch at once.
    const before = AbortSignal.abort();
    await expect(loader.iterate({ signal: before }).next()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('accounts for a break as abandoned samples, and the next epoch delivers every sample', async () => {
    const { loader } = openLoader(mode, memDataset(20, TINY), { batchSize: 4, onError: 'skip' }, { maxDelayMs: 3, fail: { [memSrc(2)]: 'decode' } });
    expect(flat(await takeEpoch(loader, 2))).toEqual([0, 1, 3, 4, 5, 6, 7]);
    await allSlotsFree(loader);
    expect(loader.stats().epochs[0]).toEqual({ epoch: 0, samples: 20, delivered: 7, skipped: 1, abandoned: 12, end: 'break' });
    expect(flat(await takeEpoch(loader))).toEqual(range(20).filter((i) => i !== 2));
    expect(loader.stats().epochs[1]).toEqual({ epoch: 1, samples: 20, delivered: 19, skipped: 1, abandoned: 0, end: 'complete' });
  });

  it('ends a waiting next() at close(), and every worker thread exits', async () => {
    const { loader, workers, readers } = openLoader(mode, memDataset(16, TINY), { batchSize: 4 }, { hang: [memSrc(5)] });
    const dispatched = watchDispatches(loader);
    const iterator = loader[Symbol.asyncIterator]();
    expect((await iterator.next()).value!.index).toBe(0);
    const waiting = iterator.next();
    // Close while next() waits for batch 1, which holds the hung sample: once it is out (on the main thread, once its read hangs).
    await vi.waitFor(() => expect(dispatched).toContain(1));
    if (mode.numWorkers === 0) await vi.waitFor(() => expect(readers[0].started).toContain(memSrc(5)));
    loader.close();
    await expect(bounded(waiting, 3000, 'next() after close()')).rejects.toThrow(LoaderClosedError);
    expect(loader.stats().epochs[0]).toMatchObject({ delivered: 4, abandoned: 12, end: 'closed' });
    expect(workers).toHaveLength(mode.numWorkers);
    await bounded(Promise.all(workers.map((w) => w.exited)), 3000, 'the worker threads to exit');
  });
});
