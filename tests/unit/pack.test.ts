/**
 * `npm run pack` (scripts/pack.ts): an ImageFolder into WebDataset shards and
 * an indexed manifest, by the browser's ImageFolder rules, the same bytes on
 * every run, each shard readable by GNU tar.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateManifest, type Manifest } from '../../src/loader/sources/manifest.ts';
import type { ShardEntry, ShardSplit } from '../../src/loader/sources/shard-manifest.ts';
import { pack } from '../../scripts/pack.ts';
import { repoRoot } from '../../scripts/datasets/output-dir.ts';
import { gnuList, tempDir, tinyPng, writeFiles } from './support/shards.ts';

const temp = tempDir('pack');
afterAll(temp.remove);
const folder = join(temp.dir, 'pets');

const photo = (v: number) => new Uint8Array(jpeg.encode({ data: Buffer.alloc(8 * 6 * 4, v), width: 8, height: 6 }, 80).data);

/** The images of the folder by class: their bytes as hex. */
const expected: Record<string, string[]> = {};

beforeAll(() => {
  const images: Record<string, Uint8Array> = {
    'cat/a.png': tinyPng(1),
    'cat/b.JPEG': photo(90),
    'cat/kittens/c.png': tinyPng(2),
    'dog/d.jpg': photo(30),
    'dog/e.png': tinyPng(3),
  };
  writeFiles(folder, {
    ...images,
    '.DS_Store': 'x',
    'notes.txt': 'not an image',
    'cat/scan.tiff': 'II*\0',
    'cat/readme.md': '# cats',
    'cat/zero.png': '',
    'dog/.hidden.png': tinyPng(9),
    'bird/todo.txt': 'no birds yet',
  });
  for (const [path, bytes] of Object.entries(images)) (expected[path.split('/')[0]] ??= []).push(Buffer.from(bytes).toString('hex'));
});

const readManifest = (out: string) => validateManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')), out) as Manifest<ShardSplit>;
const shardsOf = (out: string) => readManifest(out).splits.train.shards as ShardEntry[];

/** class -> the image bytes (hex) that the shards of `out` hold for it. */
function packedImages(out: string): Record<string, string[]> {
  const { classes } = readManifest(out);
  const found: Record<string, string[]> = {};
  for (const shard of shardsOf(out)) {
    const bytes = readFileSync(join(out, shard.url));
    expect(bytes.length).toBe(shard.bytes);
    for (const s of shard.samples) (found[classes[s.label]] ??= []).push(bytes.subarray(s.offset, s.offset + s.length).toString('hex'));
  }
  return found;
}

const sorted = (r: Record<string, string[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v].sort()]));

describe('pack', () => {
  it('packs the images by the ImageFolder rules, lists what it skipped, and indexes every image', async () => {
    const out = join(temp.dir, 'one');
    const result = await pack(folder, out);
    expect(result).toMatchObject({ samples: 5, classes: ['cat', 'dog'], shards: 1 });
    expect(result.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['.DS_Store', 'hidden'],
      ['bird/', 'empty-class'],
      ['bird/todo.txt', 'not-image'],
      ['cat/readme.md', 'not-image'],
      ['cat/scan.tiff', 'unsupported'],
      ['cat/zero.png', 'empty-file'],
      ['dog/.hidden.png', 'hidden'],
      ['notes.txt', 'no-class'],
    ]);
    expect(sorted(packedImages(out))).toEqual(sorted(expected));
    const [shard] = shardsOf(out);
    expect(shard.samples.map((s) => [s.key, s.type])).toEqual([
      ['000000', expect.any(String)],
      ['000001', expect.any(String)],
      ['000002', expect.any(String)],
      ['000003', expect.any(String)],
      ['000004', expect.any(String)],
    ]);
    expect(shard.samples.filter((s) => s.type === 'image/jpeg')).toHaveLength(2);
    expect(gnuList(readFileSync(join(out, 'train-000000.tar')))).toHaveLength(10);
    expect(gnuList(readFileSync(join(out, 'train-000000.tar')))).toContain('000000.cls');
    expect(readManifest(out)).toMatchObject({ name: 'pets', classes: ['cat', 'dog'] });
  });

  it('writes the same bytes on every run, and cuts shards at about the size asked', async () => {
    const [a, b] = [join(temp.dir, 'a'), join(temp.dir, 'b')];
    await pack(folder, a, { shardBytes: 3000 });
    await pack(folder, b, { shardBytes: 3000 });
    const files = readdirSync(a).sort();
    expect(files.length).toBeGreaterThan(3);
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    for (const shard of shardsOf(a)) expect(shard.samples.length === 1 || shard.bytes <= 3000 + 10240, shard.url).toBe(true);
    expect(sorted(packedImages(a))).toEqual(sorted(expected));
    const other = join(temp.dir, 'seeded');
    await pack(folder, other, { shardBytes: 3000, seed: 5 });
    expect(shardsOf(other).flatMap((s) => s.samples.map((x) => x.label))).not.toEqual(shardsOf(a).flatMap((s) => s.samples.map((x) => x.label)));
  });

  it('replaces an earlier pack in its folder, and refuses a folder holding anything else', async () => {
    const out = join(temp.dir, 'again');
    await pack(folder, out, { shardBytes: 3000 });
    await pack(folder, out);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'train-000000.tar']);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await expect(pack(folder, out)).rejects.toThrow(`\`pack\`: ${out} holds keep.txt, not an earlier pack; give an empty or new folder`);
    await expect(pack(join(temp.dir, 'nowhere'), out)).rejects.toThrow(`\`pack\`: the folder ${join(temp.dir, 'nowhere')} does not exist`);
  });

  it('runs as `npm run pack -- <dir> <out> --shard-mb N` and says what it did', () => {
    const out = join(temp.dir, 'cli');
    const stdout = execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'scripts', 'pack.ts'), folder, out, '--shard-mb', '0.003'], {
      encoding: 'utf8',
    });
    expect(stdout).toMatch(/^pack: 5 images of 2 classes \(cat, dog\) into \d+ shards \(0\.\d MB\) and manifest\.json in /);
    expect(stdout).toContain('skipped 8:\n  .DS_Store: a hidden file');
    expect(sorted(packedImages(out))).toEqual(sorted(expected));
  });
});
