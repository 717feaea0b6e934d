/**
 * loader.state() and resumeFrom (src/loader/loader-state.ts): a run stopped
 * mid-epoch and continued by a new loader sees exactly the batches an
 * uninterrupted run sees, whatever the worker count on either side.
 */
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../../src/loader/data-loader.ts';
import { ImageDataset } from '../../src/loader/dataset.ts';
import { OptionError } from '../../src/loader/errors.ts';
import type { LoaderState } from '../../src/loader/loader-state.ts';
import { memDataset, memSrc } from './support/fake-reader.ts';
import { flat, openLoader, range, takeEpoch, type SeenBatch } from './support/loader-harness.ts';

const TINY = { width: 3, height: 2, channels: 3 as const };
const OPTIONS = { batchSize: 4, shuffle: true, seed: 99 };
const READER = { seed: 6, maxDelayMs: 3 };

/** What must be equal between two runs: each batch's identity and content, not who loaded it. */
const content = (batches: SeenBatch[]) => batches.map(({ worker: _, ...rest }) => rest);
/** A state as it comes back from storage. */
const stored = (state: LoaderState): LoaderState => JSON.parse(JSON.stringify(state));

const MODES = [
  { numWorkers: 0, mode: 'shared' },
  { numWorkers: 3, mode: 'shared' },
  { numWorkers: 3, mode: 'transfer' },
] as const;

describe('resuming mid-epoch', () => {
  it.each(MODES)('sees the same batches as an uninterrupted run (numWorkers $numWorkers, $mode)', async (mode) => {
    const dataset = memDataset(30, TINY); // 8 batches an epoch, the last of 2
    const uninterrupted = openLoader(mode, dataset, OPTIONS, READER).loader;
    const whole: SeenBatch[] = [];
    for (let e = 0; e < 3; e++) whole.push(...(await takeEpoch(uninterrupted)));

    const first = openLoader(mode, dataset, OPTIONS, READER).loader;
    const before = [...(await takeEpoch(first)), ...(await takeEpoch(first, 3))]; // epoch 0, then 3 batches of epoch 1
    const state = stored(first.state());
    first.close(); // the tab closes
    expect(state).toMatchObject({ format: 'feedline/loader-state', version: 1, epoch: 1, consumed: 3, alsoConsumed: [], seed: 99 });

    // The worker count may differ on resume: it does not change what a batch holds.
    const other = { numWorkers: mode.numWorkers === 0 ? 2 : 0, mode: mode.mode };
    const second = openLoader(other, dataset, { ...OPTIONS, resumeFrom: state }, READER).loader;
    expect(second.epoch).toBe(1);
    expect(second.state()).toEqual(state);
    const rest = await takeEpoch(second);
    expect(rest.map((b) => [b.epoch, b.index])).toEqual([3, 4, 5, 6, 7].map((k) => [1, k]));
    expect(second.stats().epochs[0]).toMatchObject({ epoch: 1, samples: 18, delivered: 18, skipped: 0, abandoned: 0, end: 'complete' });
    expect(second.state()).toMatchObject({ epoch: 2, consumed: 0, alsoConsumed: [] });
    const after = await takeEpoch(second); // carries on as if never interrupted
    expect(content([...before, ...rest, ...after])).toEqual(content(whole));
  });

  it('records batches consumed out of order with inOrder false, and resumes with exactly the others', async () => {
    const dataset = memDataset(40, TINY); // 10 batches
    const slow = { [memSrc(0)]: 120, [memSrc(9)]: 60 }; // batches 0 and 2 arrive late
    const first = openLoader({ numWorkers: 3, mode: 'shared' }, dataset, { batchSize: 4, inOrder: false, prefetchFactor: 2 }, { slow }).loader;
    const got = await takeEpoch(first, 5);
    const consumed = got.map((b) => b.index);
    expect(consumed).not.toEqual(range(5)); // out of order, or this test shows nothing
    const state = stored(first.state());
    first.close();
    const sorted = [...consumed].sort((a, b) => a - b);
    let prefix = 0;
    while (sorted.includes(prefix)) prefix++;
    expect(state.consumed).toBe(prefix);
    expect(state.alsoConsumed).toEqual(sorted.filter((k) => k > prefix));

    const second = openLoader({ numWorkers: 2, mode: 'shared' }, dataset, { batchSize: 4, inOrder: false, resumeFrom: state }).loader;
    const rest = await takeEpoch(second);
    expect(rest.map((b) => b.index).sort((a, b) => a - b)).toEqual(range(10).filter((k) => !consumed.includes(k)));
    expect([...flat(got), ...flat(rest)].sort((a, b) => a - b)).toEqual(range(40));
  });

  it('counts a batch whose samples were all skipped as consumed', async () => {
    const fail = Object.fromEntries([4, 5, 6, 7].map((i) => [memSrc(i), 'decode' as const]));
    const { loader } = openLoader({ numWorkers: 0, mode: 'shared' }, memDataset(16, TINY), { batchSize: 4, onError: 'skip' }, { fail });
    const iterator = loader[Symbol.asyncIterator]();
    expect((await iterator.next()).value!.index).toBe(0);
    expect((await iterator.next()).value!.index).toBe(2); // batch 1 was empty: never yielded
    expect(loader.state()).toMatchObject({ epoch: 0, consumed: 3 });
    await iterator.return!();
  });

  it('starts at epoch 0, and moves to the next epoch once one finishes or a new one starts', async () => {
    const { loader } = openLoader({ numWorkers: 0, mode: 'shared' }, memDataset(8, TINY), { batchSize: 4 });
    expect(loader.state()).toMatchObject({ epoch: 0, consumed: 0, alsoConsumed: [] });
    await takeEpoch(loader, 1);
    expect(loader.state()).toMatchObject({ epoch: 0, consumed: 1 });
    await takeEpoch(loader);
    expect(loader.state()).toMatchObject({ epoch: 2, consumed: 0 });
    loader.close();
    expect(loader.state()).toMatchObject({ epoch: 2, consumed: 0 }); // still readable after close()
  });
});

describe('resumeFrom refuses a state that does not belong', () => {
  const dataset = memDataset(30, TINY);
  const state = (options = OPTIONS, data = dataset) => new DataLoader(data, options).state();
  const open = (resumeFrom: unknown, options = OPTIONS, data = dataset) =>
    new DataLoader(data, { ...options, resumeFrom: resumeFrom as LoaderState });

  it('from other options, naming what differs', () => {
    expect(() => open(state(), { ...OPTIONS, batchSize: 5 })).toThrow(OptionError);
    expect(() => open(state(), { ...OPTIONS, batchSize: 5, seed: 1 })).toThrow(
      '`DataLoader` option `resumeFrom` was saved with other options: batchSize 4 (now 5), seed 99 (now 1). ' +
        'A state resumes only the same dataset with the same batchSize, shuffle, seed, dropLast, image, dtype and augment ' +
        '(numWorkers, prefetchFactor, inOrder and the error options may differ): pass those options, or drop `resumeFrom` to start over.',
    );
    expect(() => open(state(), { ...OPTIONS, shuffle: false } as typeof OPTIONS)).toThrow(/shuffle true \(now false\)/);
    expect(() => open(state(), { ...OPTIONS, image: { width: 4 } } as typeof OPTIONS)).toThrow(/image "3x2x3 stretch" \(now "4x2x3 stretch"\)/);
  });

  it('from another dataset, or the same size with other items', () => {
    expect(() => open(state(), OPTIONS, memDataset(31, TINY))).toThrow(
      /^`DataLoader` option `resumeFrom` was saved for dataset "items" of 30 samples, not "items" of 31\. A state resumes only/,
    );
    const relabelled = ImageDataset.fromItems(
      range(30).map((i) => ({ src: memSrc(i), label: i === 7 ? 0 : i % 3 })),
      ['class0', 'class1', 'class2'],
      TINY,
    );
    expect(() => open(state(), OPTIONS, relabelled)).toThrow(/was saved for a dataset named "items" of 30 samples whose sources or labels differ from this one's/);
  });

  it('that is not a state, or whose position is out of range', () => {
    expect(() => open({ epoch: 1 })).toThrow(
      '`DataLoader` option `resumeFrom` must be what `loader.state()` returned (format "feedline/loader-state", version 1); got format undefined, version undefined',
    );
    expect(() => open(null)).toThrow(/got null$/);
    expect(() => open({ ...state(), consumed: 9 })).toThrow('`DataLoader` option `resumeFrom` has consumed 9: it must be an integer from 0 to 8 (batches per epoch)');
    expect(() => open({ ...state(), epoch: -1 })).toThrow(/has epoch -1: it must be an integer from 0/);
    expect(() => open({ ...state(), alsoConsumed: [8] })).toThrow(/has alsoConsumed \[8\]: it must list batch numbers below 8/);
  });

  it('but takes the same options with another numWorkers, prefetchFactor, inOrder or onError', () => {
    const other = { ...OPTIONS, numWorkers: 2, prefetchFactor: 3, inOrder: false, onError: 'skip' as const, timeoutMs: 5 };
    expect(() => open(state(), other)).not.toThrow();
  });
});
