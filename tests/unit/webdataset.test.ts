/**
 * WebDataset's conventions (src/loader/sources/webdataset.ts): brace
 * patterns for shard lists, keys and extensions, and how a shard's members
 * group into samples, including the samples that cannot load.
 */
import { describe, expect, it } from 'vitest';
import { indexTar } from '../../src/loader/sources/tar-index.ts';
import { MAX_BRACE_EXPANSION, expandBraces, groupSamples, splitKey } from '../../src/loader/sources/webdataset.ts';
import { writeTar } from '../../scripts/datasets/tar-writer.ts';
import { tinyPng } from './support/shards.ts';

describe('expandBraces', () => {
  it('counts a zero-padded range, as WebDataset shard lists do', () => {
    expect(expandBraces('train-{000000..000003}.tar')).toEqual(['train-000000.tar', 'train-000001.tar', 'train-000002.tar', 'train-000003.tar']);
    expect(expandBraces('s{8..11}.tar')).toEqual(['s8.tar', 's9.tar', 's10.tar', 's11.tar']);
    expect(expandBraces('s{08..11}.tar')).toEqual(['s08.tar', 's09.tar', 's10.tar', 's11.tar']);
    expect(expandBraces('s{3..1}')).toEqual(['s3', 's2', 's1']);
  });

  it('expands lists and several groups left to right, and leaves a plain name alone', () => {
    expect(expandBraces('{a,b}/x-{0..1}.tar')).toEqual(['a/x-0.tar', 'a/x-1.tar', 'b/x-0.tar', 'b/x-1.tar']);
    expect(expandBraces('https://h/d/{train,val}.tar')).toEqual(['https://h/d/train.tar', 'https://h/d/val.tar']);
    expect(expandBraces('plain.tar')).toEqual(['plain.tar']);
  });

  it('refuses an unclosed brace, nesting and an expansion past its bound', () => {
    expect(() => expandBraces('train-{0..3.tar')).toThrow('the pattern "train-{0..3.tar" has a "{" at 6 with no "}" after it');
    expect(() => expandBraces('{a,{b,c}}')).toThrow('the pattern "{a,{b,c}}" nests braces, which is not supported');
    expect(() => expandBraces('{0..999}-{0..999}')).toThrow(`the pattern "{0..999}-{0..999}" expands to more than ${MAX_BRACE_EXPANSION} names`);
    expect(() => expandBraces('{0..99999999}')).toThrow(`expands to more than ${MAX_BRACE_EXPANSION} names`);
  });
});

describe('splitKey', () => {
  it('cuts at the first dot of the file name, keeps folders in the key, lowers the extension', () => {
    expect(splitKey('00042.png')).toEqual({ key: '00042', ext: 'png' });
    expect(splitKey('a.b/00042.seg.PNG')).toEqual({ key: 'a.b/00042', ext: 'seg.png' });
  });

  it('skips names WebDataset skips: no dot, or a hidden file', () => {
    expect(splitKey('README')).toBeNull();
    expect(splitKey('._00042.png')).toBeNull();
    expect(splitKey('dir/.hidden.png')).toBeNull();
  });
});

/** A shard of these (name, content) members, and its samples. */
function group(members: Array<[string, Uint8Array | string]>, classes = 10) {
  const encoder = new TextEncoder();
  const bytes = writeTar(members.map(([name, data]) => ({ name, data: typeof data === 'string' ? encoder.encode(data) : data })));
  return { bytes, samples: groupSamples(indexTar(bytes, 'g.tar'), bytes, classes) };
}

describe('groupSamples', () => {
  it('makes one sample per key in order, with its image offset, type and .cls label', () => {
    const { bytes, samples } = group([
      ['00001.cls', '4'],
      ['00001.jpg', tinyPng(1)],
      ['00001.json', '{"w":4}'],
      ['00000.webp', tinyPng(0)],
      ['00000.cls', '7\n'],
    ]);
    expect(samples.map(({ key, type, label, problem }) => ({ key, type, label, problem }))).toEqual([
      { key: '00001', type: 'image/jpeg', label: 4, problem: undefined },
      { key: '00000', type: 'image/webp', label: 7, problem: undefined },
    ]);
    const first = samples[0];
    expect(Buffer.from(bytes.subarray(first.offset, first.offset + first.length)).equals(Buffer.from(tinyPng(1)))).toBe(true);
  });

  it('keeps a sample with no image, two images, no .cls or a bad .cls, each with its problem', () => {
    const { samples } = group(
      [
        ['a.cls', '1'],
        ['a.json', '{}'],
        ['b.png', tinyPng(2)],
        ['b.jpg', tinyPng(3)],
        ['b.cls', '1'],
        ['c.png', tinyPng(4)],
        ['d.png', tinyPng(5)],
        ['d.cls', '12'],
        ['e.png', tinyPng(6)],
        ['e.cls', 'cat'],
        ['f.png', tinyPng(7)],
        ['f.cls', '1'],
        ['f.cls', '2'],
      ],
      10,
    );
    expect(Object.fromEntries(samples.map((s) => [s.key, s.problem]))).toEqual({
      a: 'it has no image member (it has a.cls, a.json); an image is <key>.<png, jpg, jpeg, webp, gif, bmp, avif, ico>',
      b: 'it has 2 images (b.png, b.jpg); a sample needs exactly one',
      c: 'it has no label: no "c.cls" member (the class index as text)',
      d: 'its "d.cls" holds "12", not a class index in 0..9',
      e: 'its "e.cls" holds "cat", not a class index in 0..9',
      f: 'it holds "f.cls" twice',
    });
    expect(samples.find((s) => s.key === 'c')!.label).toBe(-1);
  });

  it('does not decode a .cls too long to be a class index', () => {
    const { samples } = group([
      ['x.png', tinyPng(1)],
      ['x.cls', '1'.repeat(5000)],
    ]);
    expect(samples[0].problem).toBe('its "x.cls" holds 5000 bytes, not a class index in 0..9');
  });
});
