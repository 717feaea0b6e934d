/**
 * The manifest's shard form (src/loader/sources/shard-manifest.ts): an
 * indexed split, a brace pattern, a list; a whole-shard problem refuses the
 * manifest, a sample's problem is that sample's, found by its position in
 * the split.
 */
import { describe, expect, it } from 'vitest';
import { ManifestError, checkManifest, validateManifest } from '../../src/loader/sources/manifest.ts';
import { resolveShards, type ShardSplit } from '../../src/loader/sources/shard-manifest.ts';

const URL_ = 'https://example.test/datasets/mnist/shards/manifest.json';

const sample = (key: string, offset: number, label: number) => ({ key, offset, length: 300, type: 'image/png', label });

function good(): Record<string, any> {
  return {
    name: 'mnist',
    classes: ['0', '1', '2'],
    splits: {
      train: {
        shards: [
          { url: 'train-000000.tar', bytes: 10240, samples: [sample('00000', 1536, 0), sample('00001', 3584, 2)] },
          { url: 'train-000001.tar', bytes: 10240, samples: [sample('00002', 1536, 1)] },
        ],
      },
      test: { shards: 'test-{000000..000001}.tar' },
      extra: { shards: ['https://cdn.test/x.tar', 'y-{0..1}.tar'] },
    },
  };
}

const problemsOf = (m: unknown) => checkManifest(m, URL_).problems;

describe('the shard form of a split', () => {
  it('accepts an indexed split, a pattern and a list, next to per-file splits', () => {
    const m = good();
    m.splits.files = [{ src: 'a.png', label: 0 }];
    expect(validateManifest(m, URL_)).toBe(m);
    expect(problemsOf(m)).toEqual([]);
  });

  it('resolves shard URLs against the manifest and expands patterns', () => {
    const { splits } = good();
    expect(resolveShards(splits.train as ShardSplit, URL_)).toEqual([
      { url: 'https://example.test/datasets/mnist/shards/train-000000.tar', bytes: 10240, samples: splits.train.shards[0].samples },
      { url: 'https://example.test/datasets/mnist/shards/train-000001.tar', bytes: 10240, samples: splits.train.shards[1].samples },
    ]);
    expect(resolveShards(splits.test as ShardSplit, URL_).map((s) => s.url)).toEqual([
      'https://example.test/datasets/mnist/shards/test-000000.tar',
      'https://example.test/datasets/mnist/shards/test-000001.tar',
    ]);
    expect(resolveShards(splits.extra as ShardSplit, URL_)).toEqual([
      { url: 'https://cdn.test/x.tar', bytes: null, samples: null },
      { url: 'https://example.test/datasets/mnist/shards/y-0.tar', bytes: null, samples: null },
      { url: 'https://example.test/datasets/mnist/shards/y-1.tar', bytes: null, samples: null },
    ]);
  });

  it.each([
    ['an empty list', (m: any) => void (m.splits.train.shards = []), '"splits.train.shards" must be a brace pattern ("train-{000000..000009}.tar"), a non-empty list of URLs, or a non-empty list of { url, bytes, samples }'],
    ['a number', (m: any) => void (m.splits.train.shards = 3), '"splits.train.shards" must be a brace pattern'],
    ['an empty pattern', (m: any) => void (m.splits.test.shards = ''), '"splits.test.shards" is an empty URL'],
    ['an unclosed brace', (m: any) => void (m.splits.test.shards = 'test-{0..3.tar'), '"splits.test.shards": the pattern "test-{0..3.tar" has a "{" at 5 with no "}" after it'],
    ['an empty URL in a list', (m: any) => void (m.splits.extra.shards[1] = ''), '"splits.extra.shards[1]" is an empty URL'],
    ['a URL among indexed shards', (m: any) => void (m.splits.train.shards[1] = 'b.tar'), '"splits.train.shards[1]" must be an object { url, bytes, samples } (or every shard a URL string), got "b.tar"'],
    ['no url', (m: any) => void delete m.splits.train.shards[0].url, '"splits.train.shards[0]" has no "url" (a non-empty string)'],
    ['no byte count', (m: any) => void (m.splits.train.shards[1].bytes = -1), '"splits.train.shards[1]" (train-000001.tar) has "bytes" -1, not a byte count'],
    ['no samples', (m: any) => void delete m.splits.train.shards[0].samples, '"splits.train.shards[0]" (train-000000.tar) has no "samples" list (its index); drop "bytes" too to let the loader read the tar headers'],
    ['a repeated url', (m: any) => void (m.splits.train.shards[1].url = 'train-000000.tar'), '"splits.train.shards[1]" repeats the url "train-000000.tar" of "splits.train.shards[0]"'],
  ])('refuses the manifest for %s, naming the place', (_, patch, problem) => {
    const m = good();
    patch(m);
    expect(() => validateManifest(m, URL_)).toThrow(ManifestError);
    expect(() => validateManifest(m, URL_)).toThrow(`\`ImageDataset.fromManifest\`: ${URL_}: ${problem}`);
  });

  it('gives a bad sample its own problem, at its position in the split, and keeps the rest', () => {
    const m = good();
    const [first, second] = m.splits.train.shards;
    first.samples.push(sample('00003', 5632, 3), sample('00000', 7680, 0), { key: '', offset: 0, length: 1, type: 'image/png', label: 0 });
    first.samples.push(sample('00004', 10000, 0), { ...sample('00005', 8000, 0), type: 'text/html' }, { ...sample('00006', 8000, 0), length: 0 });
    second.samples.push(sample('00007', 3584, 1));
    expect(problemsOf(m)).toEqual([
      { split: 'train', index: 2, problem: '"splits.train.shards[0].samples[2]" (train-000000.tar#00003) has label 3, outside the 3 classes (0..2)' },
      { split: 'train', index: 3, problem: '"splits.train.shards[0].samples[3]" (train-000000.tar#00000) repeats the key of "splits.train.shards[0].samples[0]"' },
      { split: 'train', index: 4, problem: '"splits.train.shards[0].samples[4]" has no "key" (a non-empty string)' },
      { split: 'train', index: 5, problem: '"splits.train.shards[0].samples[5]" (train-000000.tar#00004) ends at byte 10300, past the shard\'s 10240 bytes' },
      {
        split: 'train',
        index: 6,
        problem: '"splits.train.shards[0].samples[6]" (train-000000.tar#00005) has type "text/html", not one of image/png, image/jpeg, image/webp, image/gif, image/bmp, image/avif, image/x-icon',
      },
      { split: 'train', index: 7, problem: '"splits.train.shards[0].samples[7]" (train-000000.tar#00006) has offset 8000 and length 0: both must be byte counts, the length above 0' },
    ]);
    // The second shard's samples come after the first's 8: its new sample (index 9) is fine, the same key in another shard is allowed.
    second.samples.push({ ...sample('00008', 5632, 1), label: 'one' });
    expect(problemsOf(m).at(-1)).toEqual({
      split: 'train',
      index: 10,
      problem: '"splits.train.shards[1].samples[2]" (train-000001.tar#00008) has label "one", outside the 3 classes (0..2)',
    });
    expect(() => validateManifest(m, URL_)).toThrow(`${URL_}: "splits.train.shards[0].samples[2]" (train-000000.tar#00003) has label 3`);
  });

  it('names the shard form in the message for a split that is neither form', () => {
    const m = good();
    m.splits.train = { items: [] };
    expect(() => validateManifest(m, URL_)).toThrow('"splits.train" must be an array of { src, label } items, or { "shards": ... }');
  });
});
