/** DataLoader options (src/loader/options.ts): defaults, and one precise message per invalid option. */
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/loader/errors.ts';
import { resolveOptions, sampleElements, type DataLoaderOptions } from '../../src/loader/options.ts';
import type { DeclaredShape } from '../../src/loader/dataset.ts';

const MNIST: DeclaredShape = { width: 28, height: 28, channels: 1 };
const RGB28: DeclaredShape = { width: 28, height: 28, channels: 3 };

describe('resolveOptions', () => {
  it("fills PyTorch's defaults and the dataset's declared shape", () => {
    expect(resolveOptions({}, MNIST)).toEqual({
      batchSize: 1,
      shuffle: false,
      seed: 0,
      numWorkers: 0,
      prefetchFactor: 2,
      autotune: null,
      dropLast: false,
      inOrder: true,
      timeoutMs: 0,
      onError: { retry: 0, then: 'raise' },
      image: { width: 28, height: 28, channels: 1, fit: 'stretch' },
      dtype: 'uint8',
      mean: null,
      std: null,
      augment: [],
      sample: { kind: 'image', shape: [28, 28, 1], dtype: 'uint8' },
      decodeConcurrency: 8,
      cache: 'none',
      maxPixels: 178_956_970,
      workerTimeoutMs: 30_000,
      maxWorkerRestarts: 3,
      shardCacheBytes: 256 * 1024 * 1024,
    });
  });

  it("refuses augment with the sample cache, since augmented pixels change every epoch", () => {
    expect(() => resolveOptions({ augment: [{ type: 'RandomHorizontalFlip' }], cache: 'indexeddb' }, { width: 4, height: 4 })).toThrow(
      "`DataLoader` option `cache` must be 'none' with `augment`",
    );
    expect(resolveOptions({ augment: [{ type: 'RandomHorizontalFlip', p: 1 }] }, { width: 4, height: 4 }).augment).toEqual([
      { type: 'RandomHorizontalFlip', p: 1 },
    ]);
  });

  it('takes 3 channels when neither the options nor the dataset say', () => {
    expect(resolveOptions({}, { width: 4, height: 5 }).image).toEqual({ width: 4, height: 5, channels: 3, fit: 'stretch' });
  });

  it('lets image options override what the dataset declares', () => {
    const image = resolveOptions({ image: { width: 224, channels: 3, fit: 'cover' } }, MNIST).image;
    expect(image).toEqual({ width: 224, height: 28, channels: 3, fit: 'cover' });
    expect(sampleElements(resolveOptions({ image: { width: 224, height: 224, channels: 3 } }, {}))).toBe(224 * 224 * 3);
  });

  it('keeps every valid option as given', () => {
    const options: DataLoaderOptions = {
      batchSize: 64,
      shuffle: true,
      seed: -3,
      numWorkers: 4,
      prefetchFactor: 3,
      dropLast: true,
      inOrder: false,
      timeoutMs: 1500,
      decodeConcurrency: 16,
      cache: 'indexeddb',
    };
    expect(resolveOptions(options, MNIST)).toMatchObject(options);
  });

  it.each([
    ['raise', { retry: 0, then: 'raise' }],
    ['skip', { retry: 0, then: 'skip' }],
    [{ retry: 2, then: 'skip' }, { retry: 2, then: 'skip' }],
    [{ retry: 10, then: 'raise' }, { retry: 10, then: 'raise' }],
  ] as const)('resolves onError %j to %j', (onError, resolved) => {
    expect(resolveOptions({ onError }, MNIST).onError).toEqual(resolved);
  });

  it('normalizes float32 with mean 0 and std 1 per channel unless told', () => {
    const rgb = { ...MNIST, channels: 3 as const };
    expect(resolveOptions({ dtype: 'float32' }, rgb)).toMatchObject({ mean: [0, 0, 0], std: [1, 1, 1] });
    expect(resolveOptions({ dtype: 'float32', normalize: { mean: 0.5, std: [0.5] } }, rgb)).toMatchObject({
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    const imagenet = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
    expect(resolveOptions({ dtype: 'float32', normalize: imagenet }, rgb)).toMatchObject(imagenet);
  });
});

describe('resolveOptions refuses', () => {
  const NO_SIZE: DeclaredShape = {};
  const bad = (options: Record<string, unknown>, declared: DeclaredShape = MNIST) => () =>
    resolveOptions(options as DataLoaderOptions, declared);

  it.each([
    // options, declared shape, the option named, the bad value as shown
    [{ batchSize: 0 }, MNIST, 'batchSize', '0'],
    [{ batchSize: 2.5 }, MNIST, 'batchSize', '2.5'],
    [{ batchSize: '8' }, MNIST, 'batchSize', '"8"'],
    [{ numWorkers: -1 }, MNIST, 'numWorkers', '-1'],
    [{ numWorkers: 1.5 }, MNIST, 'numWorkers', '1.5'],
    [{ numWorkers: 65 }, MNIST, 'numWorkers', '65'],
    [{ prefetchFactor: 0 }, MNIST, 'prefetchFactor', '0'],
    [{ prefetchFactor: 65 }, MNIST, 'prefetchFactor', '65'],
    [{ decodeConcurrency: 0 }, MNIST, 'decodeConcurrency', '0'],
    [{ timeoutMs: -1 }, MNIST, 'timeoutMs', '-1'],
    [{ seed: 1.5 }, MNIST, 'seed', '1.5'],
    [{ dtype: 'float16' }, MNIST, 'dtype', '"float16"'],
    [{ image: { height: 10 } }, NO_SIZE, 'image.width', 'undefined'],
    [{ image: { width: 10 } }, NO_SIZE, 'image.height', 'undefined'],
    [{ image: { width: 0 } }, MNIST, 'image.width', '0'],
    [{ image: { height: 8193 } }, MNIST, 'image.height', '8193'],
    [{ image: { channels: 2 } }, MNIST, 'image.channels', '2'],
    [{ image: { fit: 'crop' } }, MNIST, 'image.fit', '"crop"'],
    [{ normalize: { mean: 0.5, std: 0.5 } }, MNIST, 'normalize', '{"mean":0.5,"std":0.5}'],
    [{ dtype: 'float32', normalize: { mean: 0, std: 0 } }, MNIST, 'normalize.std', '0'],
    [{ dtype: 'float32', normalize: { mean: 0, std: [1, 0, 1] } }, RGB28, 'normalize.std', '[1,0,1]'],
    [{ dtype: 'float32', normalize: { mean: [0.5, 0.5], std: 1 } }, RGB28, 'normalize.mean', '[0.5,0.5]'],
    [{ onError: { retry: -1, then: 'skip' } }, MNIST, 'onError.retry', '-1'],
    [{ onError: { retry: 11, then: 'skip' } }, MNIST, 'onError.retry', '11'],
    [{ onError: { retry: 1, then: 'ignore' } }, MNIST, 'onError.then', '"ignore"'],
    [{ onError: 'ignore' }, MNIST, 'onError', '"ignore"'],
    [{ cache: true }, MNIST, 'cache', 'true'],
    [{ cache: 'memory' }, MNIST, 'cache', '"memory"'],
    [{ shardCacheBytes: 0 }, MNIST, 'shardCacheBytes', '0'],
    [{ shardCacheBytes: 1.5e6 + 0.5 }, MNIST, 'shardCacheBytes', '1500000.5'],
  ])('%j (dataset declares %j): names `%s` and shows %s', (options, declared, option, shown) => {
    const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(bad(options, declared)).toThrow(OptionError);
    expect(bad(options, declared)).toThrow(new RegExp(`^\`DataLoader\` option \`${escaped(option)}\` .*; got ${escaped(shown)}\\.$`));
  });

  it('says how to fix a missing size: pass image: { width, height }', () => {
    expect(bad({}, {})).toThrow('the dataset declares no size, so pass `image: { width, height }`');
  });

  it("tells what each bound is, e.g. numWorkers 'auto' or from 0 (main thread) to 64", () => {
    expect(bad({ numWorkers: -1 })).toThrow("must be 'auto' or an integer from 0 (load on the main thread) to 64");
    expect(bad({ prefetchFactor: 0 })).toThrow('must be an integer from 1 to 64');
    expect(bad({ dtype: 'float32', normalize: { mean: [0.5, 0.5], std: 1 } }, RGB28)).toThrow(
      'must have one value or 3 (one per channel)',
    );
  });

  // Pins a bug: `fail` shows the value with JSON.stringify, which prints NaN
  // and Infinity as null, so the message shows a value the user never passed.
  it.each([
    ['batchSize', 'Infinity', { batchSize: Infinity }],
    ['timeoutMs', 'NaN', { timeoutMs: NaN }],
  ])('shows a bad `%s` of %s as it is, not as null', (option, shown, options) => {
    expect(bad(options)).toThrow(new RegExp(`\`${option}\` .*; got ${shown}\\.$`));
  });

  // Pins a bug: setTimeout cannot wait longer than 2^31 - 1 ms; a longer delay
  // (Infinity included) fires after about 1 ms, so the executor would time
  // every sample out at once. Such a timeoutMs must be refused up front.
  it.each([Infinity, 2 ** 31])('refuses timeoutMs %s, which setTimeout cannot wait for', (timeoutMs) => {
    expect(bad({ timeoutMs })).toThrow(/`timeoutMs`/);
  });
});
