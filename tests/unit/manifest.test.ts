/** The manifest validator (src/loader/manifest.ts): a broken manifest says where it is broken. */
import { describe, expect, it } from 'vitest';
import { FeedlineError } from '../../src/loader/errors.ts';
import { ManifestError, validateManifest } from '../../src/loader/sources/manifest.ts';

const URL_ = 'https://example.test/datasets/shapes/manifest.json';

function good(): Record<string, unknown> {
  return {
    name: 'shapes',
    classes: ['circle', 'square'],
    width: 32,
    height: 24,
    channels: 3,
    splits: {
      train: [
        { src: 'train/0.png', label: 0 },
        { src: 'train/1.png', label: 1 },
        { src: 'train/2.png', label: 1 },
      ],
      test: [{ src: 'test/0.png', label: 0 }],
    },
  };
}

/** good() with `patch` applied to a copy. */
function broken(patch: (m: Record<string, any>) => unknown): unknown {
  const m = good() as Record<string, any>;
  const replaced = patch(m);
  return replaced === undefined ? m : replaced;
}

describe('validateManifest', () => {
  it('returns a valid manifest as it is', () => {
    const manifest = good();
    expect(validateManifest(manifest, URL_)).toBe(manifest);
  });

  it('accepts a manifest without a size or channels, and with an empty split', () => {
    const m = broken((m) => {
      delete m.width;
      delete m.height;
      delete m.channels;
      m.splits.test = [];
    });
    expect(validateManifest(m, URL_)).toBe(m);
  });

  it('allows the same file in two splits', () => {
    const m = broken((m) => void m.splits.test.push({ src: 'train/0.png', label: 0 }));
    expect(() => validateManifest(m, URL_)).not.toThrow();
  });

  it.each([
    // case, broken manifest, the problem as reported
    ['null', () => null, 'the manifest must be a JSON object'],
    ['an array', () => [good()], 'the manifest must be a JSON object'],
    ['a string', () => 'manifest', 'the manifest must be a JSON object'],
    ['no name', (m: any) => void delete m.name, '"name" must be a non-empty string, got undefined'],
    ['an empty name', (m: any) => void (m.name = ''), '"name" must be a non-empty string, got ""'],
    ['a numeric name', (m: any) => void (m.name = 7), '"name" must be a non-empty string, got 7'],
    ['classes not an array', (m: any) => void (m.classes = 'circle,square'), '"classes" must be a non-empty array of strings'],
    ['no classes', (m: any) => void (m.classes = []), '"classes" must be a non-empty array of strings'],
    ['a class that is not a string', (m: any) => void (m.classes = ['circle', 2]), '"classes[1]" must be a string, got 2'],
    ['duplicate classes', (m: any) => void (m.classes = ['circle', 'circle']), '"classes" names "circle" more than once'],
    ['a zero width', (m: any) => void (m.width = 0), '"width" must be a positive integer, got 0'],
    ['a fractional height', (m: any) => void (m.height = 2.5), '"height" must be a positive integer, got 2.5'],
    ['a string width', (m: any) => void (m.width = '32'), '"width" must be a positive integer, got "32"'],
    ['2 channels', (m: any) => void (m.channels = 2), '"channels" must be 1, 3 or 4, got 2'],
    ['no splits', (m: any) => void delete m.splits, '"splits" must be an object of arrays, e.g. { "train": [...], "test": [...] }'],
    ['splits as an array', (m: any) => void (m.splits = [[]]), '"splits" must be an object of arrays'],
    ['a split that is not an array', (m: any) => void (m.splits.test = { src: 'a.png' }), '"splits.test" must be an array of { src, label } items'],
    ['an item that is not an object', (m: any) => void (m.splits.train[1] = 'train/1.png'), '"splits.train[1]" must be an object { src, label }, got "train/1.png"'],
    ['an item without src', (m: any) => void delete m.splits.train[2].src, '"splits.train[2]" has no "src" (a non-empty string)'],
    ['an item with an empty src', (m: any) => void (m.splits.test[0].src = ''), '"splits.test[0]" has no "src" (a non-empty string)'],
    ['a label out of range', (m: any) => void (m.splits.train[1].label = 2), '"splits.train[1]" (train/1.png) has label 2, outside the 2 classes (0..1)'],
    ['a negative label', (m: any) => void (m.splits.test[0].label = -1), '"splits.test[0]" (test/0.png) has label -1, outside the 2 classes (0..1)'],
    ['a label that is a string', (m: any) => void (m.splits.train[0].label = '0'), '"splits.train[0]" (train/0.png) has label "0", outside the 2 classes (0..1)'],
    ['a missing label', (m: any) => void delete m.splits.train[0].label, '"splits.train[0]" (train/0.png) has label undefined'],
    ['a duplicate src', (m: any) => void (m.splits.train[2].src = 'train/0.png'), '"splits.train[2]" repeats "src" "train/0.png" of "splits.train[0]"'],
  ])('reports %s', (_, patch, problem) => {
    const attempt = () => validateManifest(broken(patch), URL_);
    expect(attempt).toThrow(ManifestError);
    expect(attempt).toThrow(`\`ImageDataset.fromManifest\`: ${URL_}: ${problem}`);
  });

  it('carries the URL and the problem on the error, a FeedlineError', () => {
    const attempt = () => validateManifest(broken((m) => void (m.channels = 5)), URL_);
    expect(attempt).toThrow(FeedlineError);
    expect(attempt).toThrow(
      expect.objectContaining({ name: 'ManifestError', url: URL_, problem: '"channels" must be 1, 3 or 4, got 5' }),
    );
  });
});
