/** ImageDataset (src/loader/dataset.ts): in-memory items and manifests fetched over HTTP. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImageDataset } from '../../src/loader/dataset.ts';
import { OptionError } from '../../src/loader/errors.ts';
import { ManifestError } from '../../src/loader/sources/manifest.ts';

const MANIFEST_URL = 'https://example.test/datasets/shapes/manifest.json';
const MANIFEST = {
  name: 'shapes',
  classes: ['circle', 'square'],
  width: 16,
  height: 16,
  channels: 1,
  splits: {
    train: [
      { src: 'train/a.png', label: 1 },
      { src: '../common/b.png', label: 0 },
    ],
    test: [],
  },
};

/** fetch answers `body` with `status` for any URL, and records the URLs asked. */
function stubFetch(body: string, status = 200) {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(String(url));
    return new Response(body, { status, statusText: status === 200 ? 'OK' : 'Not Found' });
  });
  return asked;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ImageDataset.fromItems', () => {
  it('holds sources, labels, classes and the declared shape', () => {
    const dataset = ImageDataset.fromItems(
      [
        { src: 'a.png', label: 2 },
        { src: 'b.png', label: 0 },
      ],
      ['x', 'y', 'z'],
      { width: 8, height: 6 },
    );
    expect(dataset.length).toBe(2);
    expect([dataset.source(1), dataset.label(0), dataset.label(1)]).toEqual(['b.png', 2, 0]);
    expect(dataset.classes).toEqual(['x', 'y', 'z']);
    expect(dataset.shape).toEqual({ width: 8, height: 6 });
  });

  it('refuses an item without a usable src or with a label outside the classes, naming the item', () => {
    expect(() => ImageDataset.fromItems([{ src: 'a.png', label: 0 }, { src: '', label: 0 }], ['x'])).toThrow(
      /`ImageDataset\.fromItems`: item 1 has no usable "src"/,
    );
    expect(() => ImageDataset.fromItems([{ src: 'a.png', label: 3 }], ['x', 'y'])).toThrow(OptionError);
    expect(() => ImageDataset.fromItems([{ src: 'a.png', label: 3 }], ['x', 'y'])).toThrow(
      '`ImageDataset.fromItems`: item 0 has label 3, outside the 2 classes',
    );
  });

  it('refuses an index outside the dataset with a RangeError that says its size', () => {
    const dataset = ImageDataset.fromItems([{ src: 'a.png', label: 0 }], ['x']);
    expect(() => dataset.source(1)).toThrow(RangeError);
    expect(() => dataset.label(-1)).toThrow('`ImageDataset`: index -1 is out of range for a dataset of 1 samples');
    expect(() => dataset.source(0.5)).toThrow(/index 0\.5 is out of range/);
  });
});

describe('ImageDataset.fromManifest', () => {
  it("resolves every src against the manifest's own URL and takes the split's items", async () => {
    const asked = stubFetch(JSON.stringify(MANIFEST));
    const dataset = await ImageDataset.fromManifest(MANIFEST_URL, 'train');
    expect(asked).toEqual([MANIFEST_URL]);
    expect(dataset.name).toBe('shapes/train');
    expect(dataset.length).toBe(2);
    expect(dataset.source(0)).toBe('https://example.test/datasets/shapes/train/a.png');
    expect(dataset.source(1)).toBe('https://example.test/datasets/common/b.png');
    expect([dataset.label(0), dataset.label(1)]).toEqual([1, 0]);
    expect(dataset.shape).toEqual({ width: 16, height: 16, channels: 1 });
  });

  it('names the splits there are when the one asked for is missing', async () => {
    stubFetch(JSON.stringify(MANIFEST));
    await expect(ImageDataset.fromManifest(MANIFEST_URL, 'val')).rejects.toThrow(
      `\`ImageDataset.fromManifest\`: ${MANIFEST_URL}: it has no split "val" (splits: train, test)`,
    );
  });

  it('reports an HTTP error with its status', async () => {
    stubFetch('nope', 404);
    await expect(ImageDataset.fromManifest(MANIFEST_URL)).rejects.toThrow(ManifestError);
    await expect(ImageDataset.fromManifest(MANIFEST_URL)).rejects.toThrow('the server answered 404 Not Found');
  });

  it('reports a body that is not JSON', async () => {
    stubFetch('{ "name": ');
    await expect(ImageDataset.fromManifest(MANIFEST_URL)).rejects.toThrow(/: the response is not valid JSON: SyntaxError/);
  });

  it('reports a failed fetch and keeps its cause', async () => {
    const offline = new TypeError('fetch failed');
    vi.stubGlobal('fetch', async () => {
      throw offline;
    });
    await expect(ImageDataset.fromManifest(MANIFEST_URL)).rejects.toThrow(/the fetch failed \(offline, or refused by CORS\?\): TypeError: fetch failed/);
    await expect(ImageDataset.fromManifest(MANIFEST_URL)).rejects.toMatchObject({ cause: offline });
  });

  it('reports an invalid manifest with its URL', async () => {
    stubFetch(JSON.stringify({ ...MANIFEST, classes: [] }));
    await expect(ImageDataset.fromManifest(MANIFEST_URL)).rejects.toThrow(
      `${MANIFEST_URL}: "classes" must be a non-empty array of strings`,
    );
  });
});

describe('ImageDataset.fromManifest with invalid items', () => {
  const messy = {
    ...MANIFEST,
    splits: {
      train: [
        { src: 'train/a.png', label: 1 },
        { src: 'train/b.png', label: 2 }, // outside the 2 classes
        { label: 0 }, // no src
        { src: 'train/a.png', label: 0 }, // repeats item 0
        'train/c.png', // not an object
        { src: 'train/d.png', label: 0 },
      ],
      test: [{ src: 'test/x.png', label: 9 }],
    },
  };

  it('keeps every item, lists the invalid ones with what is wrong, and names a missing src by its place in the manifest', async () => {
    stubFetch(JSON.stringify(messy));
    const dataset = await ImageDataset.fromManifest(MANIFEST_URL, 'train');
    expect(dataset.length).toBe(6);
    expect(dataset.invalidItems).toEqual([
      { index: 1, problem: '"splits.train[1]" (train/b.png) has label 2, outside the 2 classes (0..1)' },
      { index: 2, problem: '"splits.train[2]" has no "src" (a non-empty string)' },
      { index: 3, problem: '"splits.train[3]" repeats "src" "train/a.png" of "splits.train[0]"' },
      { index: 4, problem: '"splits.train[4]" must be an object { src, label }, got "train/c.png"' },
    ]);
    expect([0, 1, 2, 3, 4, 5].map((i) => dataset.problem(i) === null)).toEqual([true, false, false, false, false, true]);
    expect(dataset.source(1)).toBe('https://example.test/datasets/shapes/train/b.png');
    expect(dataset.source(2)).toBe(`${MANIFEST_URL}#splits.train[2]`);
    expect(dataset.source(4)).toBe(`${MANIFEST_URL}#splits.train[4]`);
    expect([dataset.label(1), dataset.label(2), dataset.label(3)]).toEqual([2, 0, 0]);
    expect(dataset.label(4)).toBe(-1);
  });

  it('refuses the manifest at its first invalid item of the split when strict', async () => {
    stubFetch(JSON.stringify(messy));
    await expect(ImageDataset.fromManifest(MANIFEST_URL, 'train', { strict: true })).rejects.toThrow(
      `\`ImageDataset.fromManifest\`: ${MANIFEST_URL}: "splits.train[1]" (train/b.png) has label 2, outside the 2 classes (0..1)`,
    );
    // Only the split asked for counts: train's problems do not refuse test, and the reverse.
    await expect(ImageDataset.fromManifest(MANIFEST_URL, 'test', { strict: true })).rejects.toThrow(/"splits\.test\[0\]" \(test\/x\.png\) has label 9/);
    stubFetch(JSON.stringify({ ...messy, splits: { ...messy.splits, test: [] } }));
    await expect(ImageDataset.fromManifest(MANIFEST_URL, 'test', { strict: true })).resolves.toMatchObject({ length: 0 });
  });
});
