/**
 * Writes the shapes dataset: 160x160 RGB JPEGs of six shape classes (see
 * datasets/shape-scene.ts) under public/datasets/shapes/, with a manifest and
 * a seeded train/test split that keeps every class's share. It exists to be
 * decode-heavy: 2,400 photo-sized JPEGs keep the loader's workers busy.
 *
 * Picture i shows class i % 6 and is drawn from its own seed mixSeed(seed, i),
 * so a smaller `count` writes exactly the first pictures of the full set.
 * Layout: `<split>/<class>/<id>.jpg`, ImageFolder style; the same JPEGs
 * packed as WebDataset shards under `shards/` with their own manifest
 * (sample i of a split is the same image in both).
 *
 *   npx tsx scripts/make-shapes.ts [--force]
 */
import { join, relative } from 'node:path';
import { mixSeed, mulberry32 } from '../src/loader/sampler.ts';
import { fileWriter, isCurrent, isMainModule, repoRoot, resetDir, writeStamp } from './datasets/output-dir.ts';
import { jpegEncoder, type EncodeJpeg } from './datasets/jpeg-encoder.ts';
import { toItem, writeManifest, type PlannedItem } from './datasets/manifest-writer.ts';
import { writeShardDataset } from './datasets/shard-writer.ts';
import { renderScene, SHAPE_CLASSES } from './datasets/shape-scene.ts';
import { stratifiedSplit } from './datasets/stratified-split.ts';

export const SHAPES = {
  name: 'shapes',
  classes: [...SHAPE_CLASSES] as string[],
  size: 160,
  channels: 3 as const,
  count: 2_400,
  test: 400,
  quality: 85,
  seed: 0x73686170, // 'shap'
};

const VERSION = 3; // bump when the drawing, the layout, the split or the encoding changes (2: shards; 3: bigger shapes, calmer backgrounds)
/** Shards of about 4 MiB: the 2,000 train JPEGs make several. */
export const SHAPES_SHARD_BYTES = 4 * 1024 * 1024;

export const defaultShapesDir = join(repoRoot, 'public', 'datasets', SHAPES.name);

export interface ShapesOptions {
  /** Pictures to write; the test split keeps the full set's ratio (400 of 2,400). */
  count?: number;
  force?: boolean;
}

export interface ShapesResult {
  /** False when the folder was already current and nothing was written. */
  written: boolean;
  out: string;
  /** Byte size of each JPEG, by id. */
  sizes: number[];
  splits: { train: PlannedItem[]; test: PlannedItem[] };
}

/** The label of picture `id`. */
export const shapeLabel = (id: number): number => id % SHAPE_CLASSES.length;

/** The RGBA pixels of picture `id`: a pure function of (id, seed, size). */
export function shapePixels(id: number): Uint8Array {
  return renderScene(SHAPE_CLASSES[shapeLabel(id)], mulberry32(mixSeed(SHAPES.seed, id)), SHAPES.size);
}

let encoder: EncodeJpeg | undefined;

/** The JPEG bytes of picture `id`. */
export function shapeJpeg(id: number): Uint8Array {
  encoder ??= jpegEncoder(SHAPES.quality);
  return encoder(shapePixels(id), SHAPES.size, SHAPES.size);
}

/** The seeded, class-balanced split of `count` pictures; pure, no files. */
export function planShapes(count: number): ShapesResult['splits'] {
  const test = Math.round((count * SHAPES.test) / SHAPES.count);
  const labels = Array.from({ length: count }, (_, id) => shapeLabel(id));
  const split = stratifiedSplit(labels, SHAPE_CLASSES.length, count - test, mixSeed(SHAPES.seed, -1));
  const item = (name: string) => (id: number) => ({
    src: `${name}/${SHAPE_CLASSES[labels[id]]}/${String(id).padStart(5, '0')}.jpg`,
    label: labels[id],
    id,
  });
  return { train: split.train.map(item('train')), test: split.test.map(item('test')) };
}

/** Writes the dataset into `out` unless it is current there (or `force`). */
export function makeShapes(out: string = defaultShapesDir, options: ShapesOptions = {}): ShapesResult {
  const { count = SHAPES.count, force = false } = options;
  if (!Number.isInteger(count) || count < SHAPE_CLASSES.length) {
    throw new RangeError(`\`makeShapes\`: count must be an integer >= ${SHAPE_CLASSES.length} (one per class), got ${count}`);
  }
  const stamp = `shapes v${VERSION} count=${count}`;
  const splits = planShapes(count);
  if (!force && isCurrent(out, stamp)) return { written: false, out, sizes: [], splits };
  resetDir(out);
  const write = fileWriter(out);
  const sizes: number[] = new Array(count);
  const jpegs: Uint8Array[] = new Array(count);
  for (const item of [...splits.train, ...splits.test]) {
    const bytes = shapeJpeg(item.id);
    write(item.src, bytes);
    jpegs[item.id] = bytes;
    sizes[item.id] = bytes.byteLength;
  }
  const { name, classes, size, channels } = SHAPES;
  const header = { name, classes, width: size, height: size, channels };
  const manifestSplits = { train: splits.train.map(toItem), test: splits.test.map(toItem) };
  writeManifest(out, { ...header, splits: manifestSplits });
  const packed = (items: PlannedItem[]) =>
    items.map((item) => ({ key: String(item.id).padStart(5, '0'), ext: 'jpg', image: jpegs[item.id], label: item.label }));
  writeShardDataset(join(out, 'shards'), header, { train: packed(splits.train), test: packed(splits.test) }, SHAPES_SHARD_BYTES);
  writeStamp(out, stamp);
  return { written: true, out, sizes, splits };
}

if (isMainModule(import.meta.url)) {
  const started = performance.now();
  const result = makeShapes(defaultShapesDir, { force: process.argv.includes('--force') });
  if (result.written) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const kb = (n: number) => (n / 1024).toFixed(1);
    const total = result.sizes.reduce((a, b) => a + b, 0);
    const { train, test } = result.splits;
    console.log(
      `shapes: wrote ${result.sizes.length} JPEGs (${train.length} train / ${test.length} test; ` +
        `${kb(total / result.sizes.length)} KiB avg, ${kb(Math.min(...result.sizes))}-${kb(Math.max(...result.sizes))} KiB, ` +
        `${(total / 1e6).toFixed(1)} MB), manifest.json and their shards (shards/) to ${relative(process.cwd(), result.out) || '.'} in ${seconds} s`,
    );
  }
}
