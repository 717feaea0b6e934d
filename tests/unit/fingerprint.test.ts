/**
 * Cache keys (src/loader/fingerprint.ts): a pixel option changes the
 * fingerprint, nothing else does; each kind of source gets the key its
 * identity allows. Hashes are checked against node:crypto, not against the
 * code under test.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { MAX_URL_KEY, pixelFingerprint, sourceKey } from '../../src/loader/cache/fingerprint.ts';
import { DEFAULT_MAX_PIXELS, resolveOptions, type DataLoaderOptions } from '../../src/loader/options.ts';

const SHAPE = { width: 28, height: 28, channels: 1 as const };
const TAG = 'canvas-2d/1';
const print = (options: DataLoaderOptions, tag = TAG) => pixelFingerprint(resolveOptions(options, SHAPE), tag);
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('pixelFingerprint', () => {
  it('is a readable canonical string of size, fit, channels, dtype, normalization, maxPixels, format and decoder', () => {
    expect(print({})).toBe(`["px/1","canvas-2d/1",28,28,"stretch",1,"uint8",null,null,${DEFAULT_MAX_PIXELS}]`);
    expect(
      print({ image: { width: 224, height: 200, channels: 3, fit: 'cover' }, dtype: 'float32', normalize: { mean: 0.5, std: [0.1, 0.2, 0.3] }, maxPixels: 4096 }),
    ).toBe(
      '["px/1","canvas-2d/1",224,200,"cover",3,"float32",[0.5,0.5,0.5],[0.1,0.2,0.3],4096]',
    );
  });

  it('ignores every option that does not change the pixels', () => {
    const others: DataLoaderOptions = {
      batchSize: 64,
      shuffle: true,
      seed: 9,
      numWorkers: 4,
      prefetchFactor: 3,
      dropLast: true,
      inOrder: false,
      timeoutMs: 500,
      onError: { retry: 2, then: 'skip' },
      decodeConcurrency: 2,
      cache: 'indexeddb',
    };
    expect(print(others)).toBe(print({}));
  });

  const base: DataLoaderOptions = { image: { width: 32, height: 32, channels: 3, fit: 'stretch' }, dtype: 'float32', normalize: { mean: 0.5, std: 0.25 } };
  it.each<[string, DataLoaderOptions]>([
    ['width', { image: { width: 31, height: 32, channels: 3 } }],
    ['height', { image: { width: 32, height: 33, channels: 3 } }],
    ['channels', { image: { width: 32, height: 32, channels: 4 } }],
    ['fit', { image: { width: 32, height: 32, channels: 3, fit: 'contain' } }],
    ['dtype', { image: { width: 32, height: 32, channels: 3 }, dtype: 'uint8', normalize: undefined }],
    ['normalize.mean', { normalize: { mean: 0.4, std: 0.25 } }],
    ['normalize.std', { normalize: { mean: 0.5, std: [0.25, 0.25, 0.26] } }],
    // A lowered limit must refuse what it decoded before, not find it cached.
    ['maxPixels', { maxPixels: 32 * 32 - 1 }],
  ])('changes with %s', (_, change) => {
    expect(print({ ...base, ...change })).not.toBe(print(base));
  });

  it('changes with the decoder', () => {
    expect(print(base, 'canvas-2d/2')).not.toBe(print(base));
  });
});

describe('sourceKey', () => {
  it('keys a URL by itself', async () => {
    expect(await sourceKey('http://localhost/a/00001.png')).toBe('url:http://localhost/a/00001.png');
  });

  it('keys a URL longer than MAX_URL_KEY (a data: URL) by its SHA-256', async () => {
    const url = `data:image/png;base64,${'A'.repeat(MAX_URL_KEY)}`;
    expect(await sourceKey(url)).toBe(`url-sha256:${sha256(url)}`);
  });

  it('gives a blob: URL no key: it dies with its document', async () => {
    expect(await sourceKey('blob:http://localhost/4b1e-uuid')).toBeNull();
  });

  it('keys a File by name, size, date and type, without reading it', async () => {
    const file = new File([new Uint8Array([1, 2, 3])], 'cat.png', { type: 'image/png', lastModified: 1234 });
    expect(await sourceKey(file)).toBe('file:["","cat.png",3,1234,"image/png"]');
    const touched = new File([new Uint8Array([1, 2, 3])], 'cat.png', { type: 'image/png', lastModified: 1235 });
    expect(await sourceKey(touched)).not.toBe(await sourceKey(file));
  });

  it('keys a Blob by the SHA-256 of its bytes: equal bytes, equal keys', async () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 9, 9]);
    expect(await sourceKey(new Blob([bytes]))).toBe(`blob-sha256:${sha256(bytes)}`);
    expect(await sourceKey(new Blob([bytes.slice()], { type: 'image/png' }))).toBe(await sourceKey(new Blob([bytes])));
    expect(await sourceKey(new Blob([new Uint8Array([137, 80, 78, 71, 9, 8])]))).not.toBe(await sourceKey(new Blob([bytes])));
  });

  it('reads a Blob once per thread: the same Blob object keeps its hash', async () => {
    const blob = new Blob([new Uint8Array([1, 2, 3, 4])]);
    const read = vi.spyOn(blob, 'arrayBuffer');
    const first = await sourceKey(blob);
    expect(await sourceKey(blob)).toBe(first);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
