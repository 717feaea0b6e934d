/**
 * Bad input, every kind at once, through the whole loader: each failing
 * sample is skipped and listed once with its index, source and reason, or
 * raised at its batch; retries apply to what a retry can change; and the
 * epoch's accounting holds (delivered + skipped = samples) whatever failed,
 * a worker's death included.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImageDataset } from '../../src/loader/dataset.ts';
import { SampleError } from '../../src/loader/errors.ts';
import type { FakeReaderConfig } from './support/fake-reader.ts';
import { memSrc } from './support/fake-reader.ts';
import { MODES, bounded, flat, openLoader, range, takeEpoch, wrongPixels } from './support/loader-harness.ts';

const TINY = { width: 2, height: 2, channels: 3 as const };
const URL_ = 'https://example.test/messy/manifest.json';
const N = 24;

const INVALID: Record<number, object> = {
  5: { src: memSrc(5), label: 7 }, // outside the 3 classes
  13: { label: 1 }, // no src
  20: { src: memSrc(2), label: 2 }, // repeats item 2
};

/** 24 items mem://0..23, labels i % 3; the items of `invalid` (5, 13 and 20 by default) are invalid in the manifest. */
async function messyDataset(invalid = [5, 13, 20]): Promise<ImageDataset> {
  const train: unknown[] = range(N).map((i) => ({ src: memSrc(i), label: i % 3 }));
  for (const i of invalid) train[i] = INVALID[i];
  const manifest = { name: 'messy', classes: ['a', 'b', 'c'], width: 2, height: 2, channels: 3, splits: { train } };
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(manifest)));
  return ImageDataset.fromManifest(URL_);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

/** What each failing sample does in the fake reader, and the reason the loader must give. */
const READER: FakeReaderConfig = {
  seed: 4,
  maxDelayMs: 2,
  fail: { [memSrc(1)]: 'http', [memSrc(8)]: 'network', [memSrc(10)]: 'decode', [memSrc(17)]: 'oversize', [memSrc(22)]: 'source' },
  hang: [memSrc(15)], // reason timeout, with timeoutMs
  flaky: { [memSrc(3)]: 2 }, // fails twice, then loads
  flakyReason: 'network',
};
const BAD: Array<[number, string, string]> = [
  [1, memSrc(1), 'http'],
  [3, memSrc(3), 'network'],
  [5, memSrc(5), 'manifest'],
  [8, memSrc(8), 'network'],
  [10, memSrc(10), 'decode'],
  [13, `${URL_}#splits.train[13]`, 'manifest'],
  [15, memSrc(15), 'timeout'],
  [17, memSrc(17), 'oversize'],
  [20, memSrc(2), 'manifest'],
  [22, memSrc(22), 'source'],
];
const BASE = { batchSize: 4, timeoutMs: 150, workerTimeoutMs: 200 };

describe.each(MODES)('bad input $name', (mode) => {
  it("skips every kind under 'skip', lists each once with its index, source and reason, and accounts for all", async () => {
    const { loader } = openLoader(mode, await messyDataset(), { ...BASE, onError: 'skip' }, READER);
    const seen = await bounded(takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, TINY)).toBeNull()), 10_000, 'the epoch');
    expect(flat(seen)).toEqual(range(N).filter((i) => !BAD.some(([bad]) => bad === i)));
    const stats = loader.stats();
    expect(stats.skipped.map((s) => [s.index, s.source, s.reason])).toEqual(BAD);
    expect(stats.skipped.find((s) => s.index === 20)!.error.message).toBe('"splits.train[20]" repeats "src" "mem://2" of "splits.train[2]"');
    expect(stats.skippedByReason).toEqual({ http: 1, network: 2, manifest: 3, decode: 1, timeout: 1, oversize: 1, source: 1 });
    expect(stats.epochs).toEqual([{ epoch: 0, samples: N, delivered: N - BAD.length, skipped: BAD.length, abandoned: 0, end: 'complete' }]);
  });

  it('retries what a retry can change, never an invalid manifest item, then skips', async () => {
    const { loader } = openLoader(mode, await messyDataset(), { ...BASE, onError: { retry: 2, then: 'skip' } }, READER);
    const seen = await bounded(takeEpoch(loader), 15_000, 'the epoch with retries');
    expect(flat(seen)).toContain(3); // flaky twice: its third attempt loads
    const skipped = loader.stats().skipped;
    expect(skipped.map((s) => [s.index, s.reason, s.attempts])).toEqual(
      BAD.filter(([i]) => i !== 3).map(([i, , reason]) => [i, reason, reason === 'manifest' ? 1 : 3]),
    );
    expect(loader.stats().epochs[0]).toMatchObject({ delivered: N - BAD.length + 1, skipped: BAD.length - 1, abandoned: 0 });
  });

  it("raises each kind at the batch that holds it under 'raise', and the loader still iterates and closes", async () => {
    for (const [index, source, reason] of BAD.filter(([i]) => i !== 3)) {
      // Only this bad sample fails: the others load.
      const dataset = await messyDataset(reason === 'manifest' ? [index] : []);
      const fail = Object.fromEntries(Object.entries(READER.fail!).filter(([src]) => src === source && reason !== 'manifest'));
      const reader = { ...READER, fail, hang: source === memSrc(15) ? [source] : [], flaky: {} };
      const { loader } = openLoader(mode, dataset, { ...BASE, onError: 'raise' }, reader);
      const seen: number[] = [];
      const epoch = takeEpoch(loader, Infinity, (b) => seen.push(b.index));
      await expect(bounded(epoch, 5000, `the epoch failing at sample ${index}`)).rejects.toBeInstanceOf(SampleError);
      await expect(epoch).rejects.toMatchObject({ index, source, reason, batch: Math.floor(index / 4), epoch: 0 });
      expect(seen).toEqual(range(Math.floor(index / 4)));
      const stats = loader.stats().epochs[0];
      expect(stats.end).toBe('error');
      expect(stats.delivered + stats.skipped + stats.abandoned).toBe(N);
      await expect(takeEpoch(loader)).rejects.toMatchObject({ index, epoch: 1 }); // iterable again, same failure
      loader.close();
    }
  });

  if (mode.numWorkers > 0) {
    it('keeps the account exact when a worker also dies in the middle of the epoch', async () => {
      const faults = [{ kind: 'exit' as const, at: 'mid' as const, batch: 3 }];
      const { loader } = openLoader(mode, await messyDataset(), { ...BASE, onError: 'skip' }, READER, { faults });
      const seen = await bounded(takeEpoch(loader), 10_000, 'the epoch');
      expect(flat(seen)).toEqual(range(N).filter((i) => !BAD.some(([bad]) => bad === i)));
      expect(loader.stats().skipped.map((s) => [s.index, s.source, s.reason])).toEqual(BAD);
      expect(loader.stats().restarts).toHaveLength(1);
      expect(loader.stats().epochs[0]).toMatchObject({ samples: N, delivered: N - BAD.length, skipped: BAD.length, abandoned: 0, end: 'complete' });
    });
  }
});

describe('the header check before decoding', () => {
  it('runs once per Blob source: later epochs tell the reader that a delivered Blob was checked, never a URL', async () => {
    const files = range(8).map((i) => ({ src: new File([new Uint8Array(4)], memSrc(i)), label: i % 3 }));
    const urls = range(4).map((i) => ({ src: memSrc(8 + i), label: 0 }));
    const dataset = ImageDataset.fromItems([...files, ...urls], ['a', 'b', 'c'], TINY);
    const fail = { [memSrc(2)]: 'decode' as const };
    const { loader, readers } = openLoader({ numWorkers: 0, mode: 'shared' }, dataset, { batchSize: 4, onError: 'skip' }, { fail });
    expect(flat(await takeEpoch(loader))).toEqual(range(12).filter((i) => i !== 2));
    expect(readers[0].headerChecked).toEqual([]);
    await takeEpoch(loader);
    // Sample 2 failed in epoch 0, so it was never shown to be good; URL sources may change between fetches.
    expect(readers[0].headerChecked).toEqual([0, 1, 3, 4, 5, 6, 7].map(memSrc));
  });
});
