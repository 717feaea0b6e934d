/**
 * The dataset generators (scripts/make-mnist.ts, scripts/make-shapes.ts):
 * same bytes on every run, class-balanced splits, manifests the loader
 * accepts, and images that decode to what they claim to be.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateManifest, type Manifest, type ManifestItem } from '../../src/loader/sources/manifest.ts';
import type { ShardEntry, ShardSplit } from '../../src/loader/sources/shard-manifest.ts';
import { checkShard } from '../../src/loader/sources/shard-check.ts';
import { MNIST, makeMnist, readRawDigit } from '../../scripts/make-mnist.ts';
import { SHAPES, makeShapes, planShapes, shapePixels } from '../../scripts/make-shapes.ts';
import { jpegEncoder } from '../../scripts/datasets/jpeg-encoder.ts';
import { circle, polygon, radialPoints, rasterize, ring, rotatedSquare } from '../../scripts/datasets/shape-raster.ts';
import { stratifiedSplit, trainQuotas } from '../../scripts/datasets/stratified-split.ts';
import { below, prng } from './support/random.ts';

const temp = mkdtempSync(join(tmpdir(), 'feedline-datasets-'));
// Tens of thousands of files: give the clean-up time on a busy machine.
afterAll(() => rmSync(temp, { recursive: true, force: true }), 60_000);

type FileManifest = Manifest<ManifestItem[]>;
const readManifest = (dir: string): FileManifest =>
  validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), dir) as FileManifest;
const allItems = (m: FileManifest) => Object.values(m.splits).flat();

/** Every file under `dir` (relative paths, sorted), the `.version` stamp included. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

function expectSameTrees(a: string, b: string): void {
  const files = listFiles(a);
  expect(listFiles(b)).toEqual(files);
  for (const file of files) expect(readFileSync(join(b, file)).equals(readFileSync(join(a, file))), file).toBe(true);
}

/**
 * The shard variant (`dir/shards/`) holds the per-file dataset's images:
 * sample i of each split the same bytes and label, keyed by the file's id,
 * and every shard passes the loader's own checks (index against tar, headers).
 */
function expectShardsMatchFiles(dir: string): void {
  const files = readManifest(dir);
  const shards = validateManifest(JSON.parse(readFileSync(join(dir, 'shards', 'manifest.json'), 'utf8')), dir) as Manifest<ShardSplit>;
  expect(shards.classes).toEqual(files.classes);
  expect(Object.keys(shards.splits)).toEqual(Object.keys(files.splits));
  for (const [split, items] of Object.entries(files.splits)) {
    const entries = shards.splits[split].shards as ShardEntry[];
    const flat = entries.flatMap((shard) => {
      const bytes = new Uint8Array(readFileSync(join(dir, 'shards', shard.url)));
      expect(bytes.length).toBe(shard.bytes);
      const check = checkShard(bytes, { url: shard.url, index: shard.samples, classCount: files.classes.length, maxPixels: 1e8 });
      expect(check.failures.size, shard.url).toBe(0);
      return shard.samples.map((s) => ({ key: s.key, label: s.label, bytes: Buffer.from(bytes.subarray(s.offset, s.offset + s.length)) }));
    });
    expect(flat).toHaveLength(items.length);
    items.forEach((item, i) => {
      expect(flat[i].key, item.src).toBe(item.src.slice(-9, -4));
      expect(flat[i].label).toBe(item.label);
      expect(flat[i].bytes.equals(readFileSync(join(dir, item.src))), item.src).toBe(true);
    });
  }
}

/** Checks a split's invariants against the class counts of all samples. */
function expectBalanced(train: number[], test: number[], labels: number[], classCount: number, trainTotal: number): void {
  expect(train.length).toBe(trainTotal);
  expect([...train, ...test].sort((x, y) => x - y)).toEqual(labels.map((_, i) => i));
  for (let c = 0; c < classCount; c++) {
    const count = labels.filter((l) => l === c).length;
    const exact = (count * trainTotal) / labels.length;
    const inTrain = train.filter((i) => labels[i] === c).length;
    expect(inTrain, `class ${c}`).toBeGreaterThanOrEqual(Math.floor(exact));
    expect(inTrain, `class ${c}`).toBeLessThanOrEqual(Math.ceil(exact));
  }
}

describe('stratifiedSplit', () => {
  it('keeps every class share and the exact train total for random label sets', () => {
    const random = prng(11);
    for (let round = 0; round < 50; round++) {
      const classCount = 1 + below(random, 12);
      const labels = Array.from({ length: 1 + below(random, 500) }, () => below(random, classCount));
      const trainTotal = below(random, labels.length + 1);
      const { train, test } = stratifiedSplit(labels, classCount, trainTotal, round);
      expectBalanced(train, test, labels, classCount, trainTotal);
      expect(train).toEqual([...train].sort((x, y) => x - y));
      expect(stratifiedSplit(labels, classCount, trainTotal, round)).toEqual({ train, test });
    }
  });

  it('gives leftover places to the largest remainders, ties to the lower class', () => {
    expect(trainQuotas([400, 400, 400, 400, 400, 400], 2000)).toEqual([334, 334, 333, 333, 333, 333]);
    expect(trainQuotas([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], 8000)).toEqual([
      801, 902, 793, 826, 784, 690, 811, 856, 755, 782,
    ]);
  });

  it('rejects a train total larger than the sample count', () => {
    expect(() => stratifiedSplit([0, 1, 0], 2, 4, 1)).toThrow(
      /`stratifiedSplit`: trainTotal must be an integer in 0\.\.3 \(the sample count\), got 4/,
    );
  });
});

describe('make-mnist', () => {
  const a = join(temp, 'mnist-a');
  const b = join(temp, 'mnist-b');
  let manifest: FileManifest;
  beforeAll(() => {
    expect(makeMnist(a).written).toBe(true);
    expect(makeMnist(b).written).toBe(true);
    manifest = readManifest(a);
  }, 60_000);

  it('writes the same bytes on every run', () => expectSameTrees(a, b));

  it('packs the same PNGs into shards of about 4 MiB, sample i the same in both manifests', () => {
    expectShardsMatchFiles(a);
    expect(listFiles(join(a, 'shards'))).toEqual(['manifest.json', 'test-000000.tar', 'train-000000.tar', 'train-000001.tar', 'train-000002.tar', 'train-000003.tar']);
  });

  it('skips a folder that is current', () => {
    expect(makeMnist(a).written).toBe(false);
  });

  it('writes a manifest the loader accepts, with the MNIST shape', () => {
    const { splits, ...header } = manifest;
    expect(header).toEqual({ name: 'mnist', classes: [...MNIST.classes], width: 28, height: 28, channels: 1 });
    expect(Object.keys(splits)).toEqual(['train', 'test']);
  });

  it('splits 8,000/2,000 with every digit in the same proportion', () => {
    const items = allItems(manifest);
    expect(items).toHaveLength(10_000);
    const labels = items.map((item) => item.label);
    const train = manifest.splits.train.map((_, i) => i);
    const test = manifest.splits.test.map((_, i) => i + train.length);
    expectBalanced(train, test, labels, 10, 8_000);
    for (const item of items) expect(item.src).toMatch(new RegExp(`^(train|test)/${item.label}/\\d{5}\\.png$`));
    expect(listFiles(a).filter((f) => f.endsWith('.png'))).toHaveLength(10_000);
  });

  it('stores each of the 10,000 source digits once, as 28x28 8-bit gray, white on black', () => {
    const source = new Map<string, number>(); // pixel bytes (latin1) -> how many source digits have them
    const keyOf = (pixels: ArrayLike<number>) => Buffer.from(pixels as Uint8Array).toString('latin1');
    for (let digit = 0; digit < 10; digit++) {
      const raw = readRawDigit(digit).map((v) => Math.round(v * 255));
      for (let s = 0; s < raw.length; s += 784) {
        const key = `${digit}:${keyOf(raw.slice(s, s + 784))}`;
        source.set(key, (source.get(key) ?? 0) + 1);
      }
    }
    for (const item of allItems(manifest)) {
      const png = decodePng(readFileSync(join(a, item.src)));
      expect([png.width, png.height, png.channels, png.depth]).toEqual([28, 28, 1, 8]);
      const key = `${item.label}:${keyOf(png.data)}`;
      expect(source.get(key), `${item.src} is no source digit ${item.label}`).toBeGreaterThan(0);
      source.set(key, source.get(key)! - 1);
      expect(png.data[0]).toBe(0); // the corner is background: black
    }
    expect([...source.values()].every((left) => left === 0)).toBe(true);
  });
});

describe('make-shapes', () => {
  const count = 48;
  const a = join(temp, 'shapes-a');
  const b = join(temp, 'shapes-b');
  beforeAll(() => {
    expect(makeShapes(a, { count }).written).toBe(true);
    expect(makeShapes(b, { count }).written).toBe(true);
  }, 60_000);

  it('writes the same bytes on every run', () => expectSameTrees(a, b));

  it('packs the same JPEGs into shards, sample i the same in both manifests', () => expectShardsMatchFiles(a));

  it('skips a folder that is current, and rebuilds it with force or for another count', () => {
    expect(makeShapes(a, { count }).written).toBe(false);
    const c = join(temp, 'shapes-c');
    makeShapes(c, { count: 12 });
    expect(makeShapes(c, { count: 12, force: true }).written).toBe(true);
    expect(makeShapes(c, { count: 18 }).written).toBe(true);
    expect(listFiles(c).filter((f) => f.endsWith('.jpg'))).toHaveLength(18);
    expect(readFileSync(join(c, '.version'), 'utf8')).toBe('shapes v3 count=18\n');
  });

  it('writes a manifest the loader accepts, with the declared size and classes', () => {
    const { splits, ...header } = readManifest(a);
    expect(header).toEqual({ name: 'shapes', classes: SHAPES.classes, width: 160, height: 160, channels: 3 });
    expect(splits.train).toHaveLength(40);
    expect(splits.test).toHaveLength(8);
    for (const item of [...splits.train, ...splits.test]) {
      expect(item.src).toMatch(new RegExp(`^(train|test)/${SHAPES.classes[item.label]}/\\d{5}\\.jpg$`));
    }
  });

  it('splits the full set 2,000/400 with every class in the same proportion', () => {
    const { train, test } = planShapes(SHAPES.count);
    const id = (item: { id: number }) => item.id;
    const labels = Array.from({ length: SHAPES.count }, (_, i) => i % 6);
    expectBalanced(train.map(id), test.map(id), labels, 6, 2_000);
    expect(test).toHaveLength(400);
  });

  it('writes 160x160 JPEGs of photo-like size that decode close to the drawn pixels', () => {
    for (const item of readManifest(a).splits.train.slice(0, 6)) {
      const bytes = readFileSync(join(a, item.src));
      expect(bytes.byteLength).toBeGreaterThan(8_000);
      expect(bytes.byteLength).toBeLessThan(40_000);
      const image = jpeg.decode(bytes, { useTArray: true });
      expect([image.width, image.height]).toEqual([160, 160]);
      const drawn = shapePixels(Number(item.src.slice(-9, -4)));
      let error = 0;
      for (let i = 0; i < drawn.length; i += 4) for (let c = 0; c < 3; c++) error += Math.abs(image.data[i + c] - drawn[i + c]);
      expect(error / (160 * 160 * 3)).toBeLessThan(12); // mean absolute error, in 0..255 steps
    }
  });

  it('encodes with the reused jpeg-js encoder exactly as jpeg.encode() does', () => {
    const fast = jpegEncoder(SHAPES.quality);
    const reference = jpegEncoder(SHAPES.quality, { reuse: false });
    for (const id of [0, 7, 23]) {
      const pixels = shapePixels(id);
      expect(Buffer.from(fast(pixels, 160, 160)).equals(Buffer.from(reference(pixels, 160, 160)))).toBe(true);
    }
  });
});

describe('shape rasterizer', () => {
  const area = (alpha: Float32Array) => alpha.reduce((sum, a) => sum + a, 0);

  it('covers the area of each shape to within 1%', () => {
    const cases: [string, Float32Array, number][] = [
      ['circle', rasterize(circle(50, 50, 30), 100, 100), Math.PI * 30 ** 2],
      ['ring', rasterize(ring(50, 50, 30, 10), 100, 100), Math.PI * (30 ** 2 - 20 ** 2)],
      ['square', rasterize(rotatedSquare(50, 50, 20, 0.3), 100, 100), 40 ** 2],
      ['hexagon', rasterize(polygon(radialPoints(50, 50, 6, [30], 0.2)), 100, 100), ((3 * Math.sqrt(3)) / 2) * 30 ** 2],
    ];
    for (const [name, alpha, expected] of cases) expect(Math.abs(area(alpha) / expected - 1), name).toBeLessThan(0.01);
  });

  it('fills a star at its centre and leaves the gaps between its points empty', () => {
    const star = polygon(radialPoints(50, 50, 10, [40, 15], 0));
    expect(star.sdf(50, 50)).toBeLessThan(0);
    expect(star.sdf(50 + 35 * Math.cos(Math.PI / 5), 50 + 35 * Math.sin(Math.PI / 5))).toBeGreaterThan(0);
    expect(star.sdf(88, 50)).toBeLessThan(0); // inside the first point
  });
});
