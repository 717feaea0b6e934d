/**
 * Packs an ImageFolder (class subfolders) into WebDataset tar shards plus a
 * manifest with their index, for `ImageDataset.fromManifest`:
 *
 *   npm run pack -- <ImageFolder dir> <out dir> [--shard-mb N] [--split train] [--seed S] [--name NAME]
 *
 * The folder is read with the browser's ImageFolder rules (image-folder.ts):
 * the same classes and samples as picking the folder on the dev page; hidden
 * files, files at the root, unsupported and non-image files are skipped and
 * listed. The samples are shuffled (seeded) before packing, so every shard
 * mixes the classes, as a windowed shuffle over shards needs; sample i of
 * the manifest is key String(i) padded, in shard order.
 *
 * Writes `<out>/manifest.json` and `<out>/<split>-000000.tar`...; the same
 * folder and options give the same bytes. An `out` holding anything else
 * than an earlier pack's files is refused rather than overwritten.
 */
import { existsSync, mkdirSync, openAsBlob, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ImageFolder, type FolderInput, type SkippedEntry } from '../src/loader/sources/image-folder.ts';
import { mixSeed, mulberry32 } from '../src/loader/sampler.ts';
import { isMainModule } from './datasets/output-dir.ts';
import { writeManifest } from './datasets/manifest-writer.ts';
import { DEFAULT_SHARD_BYTES, packShards, writeShardFiles, type PackSample } from './datasets/shard-writer.ts';
import { shuffleInPlace } from './datasets/stratified-split.ts';

export interface PackOptions {
  shardBytes?: number;
  split?: string;
  seed?: number;
  name?: string;
}

export interface PackResult {
  samples: number;
  classes: string[];
  shards: number;
  bytes: number;
  skipped: readonly SkippedEntry[];
}

/** The ImageFolder extensions a shard names its image by (the loader's SHARD_IMAGE_TYPES). */
const SHARD_EXT: Record<string, string> = { apng: 'png', jpe: 'jpg', jfif: 'jpg', pjpeg: 'jpg', pjp: 'jpg', jpeg: 'jpg' };

/** Lists `root` as a browser drop would: every file and folder, paths relative to it. */
export async function listFolder(root: string): Promise<FolderInput> {
  const entries = readdirSync(root, { recursive: true, withFileTypes: true });
  const files: FolderInput['files'] = [];
  const directories: string[] = [];
  for (const entry of entries) {
    const path = relative(root, join(entry.parentPath, entry.name)).split('\\').join('/');
    if (entry.isDirectory()) directories.push(path);
    // openAsBlob reads no byte: ImageFolder judges by name and size, as in the browser.
    else if (entry.isFile()) files.push({ path, file: new File([await openAsBlob(join(root, path))], entry.name) });
  }
  return { root: basename(root), files, directories, unreadable: [] };
}

export async function pack(input: string, out: string, options: PackOptions = {}): Promise<PackResult> {
  const { shardBytes = DEFAULT_SHARD_BYTES, split = 'train', seed = 0 } = options;
  if (!existsSync(input)) throw new Error(`\`pack\`: the folder ${input} does not exist`);
  const folder = ImageFolder.fromListing(await listFolder(input));
  if (folder.dataset.length === 0) throw new Error(`\`pack\`: ${input} holds no image inside a class folder (root/<class>/<image>)`);
  const order = shuffleInPlace(folder.paths.map((_, i) => i), mulberry32(mixSeed(seed, 0x7061636b))); // 'pack'
  const width = Math.max(6, String(order.length - 1).length);
  const samples: PackSample[] = order.map((i, position) => {
    const ext = folder.paths[i].slice(folder.paths[i].lastIndexOf('.') + 1).toLowerCase();
    const image = new Uint8Array(readFileSync(join(input, folder.paths[i])));
    return { key: String(position).padStart(width, '0'), ext: SHARD_EXT[ext] ?? ext, image, label: folder.dataset.label(i) };
  });
  const shards = packShards(samples, split, shardBytes, folder.classes.length);
  prepareOut(out, split);
  const bytes = writeShardFiles(out, shards);
  const name = options.name ?? basename(resolve(input));
  writeManifest(out, { name, classes: [...folder.classes], splits: { [split]: { shards: shards.map((s) => s.entry) } } });
  return { samples: samples.length, classes: [...folder.classes], shards: shards.length, bytes, skipped: folder.skipped };
}

/** Makes `out`, or clears an earlier pack of `split` from it; refuses a folder holding anything else. */
function prepareOut(out: string, split: string): void {
  mkdirSync(out, { recursive: true });
  const ours = new RegExp(`^(manifest\\.json|${split.replace(/[^\w-]/g, '\\$&')}-\\d{6}\\.tar)$`);
  const names = readdirSync(out);
  const foreign = names.filter((n) => !ours.test(n));
  if (foreign.length > 0) {
    throw new Error(`\`pack\`: ${out} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}, not an earlier pack; give an empty or new folder`);
  }
  for (const n of names) rmSync(join(out, n));
}

function parseArgs(argv: string[]): { input: string; out: string; options: PackOptions } {
  const usage = 'usage: npm run pack -- <ImageFolder dir> <out dir> [--shard-mb N] [--split train] [--seed S] [--name NAME]';
  const positional: string[] = [];
  const options: PackOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith('--')) {
      positional.push(flag);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`\`pack\`: ${flag} needs a value\n${usage}`);
    if (flag === '--shard-mb') {
      const mb = Number(value);
      if (!(mb > 0)) throw new Error(`\`pack\`: --shard-mb must be a positive number of megabytes, got ${value}`);
      options.shardBytes = Math.round(mb * 1024 * 1024);
    } else if (flag === '--split') options.split = value;
    else if (flag === '--seed') options.seed = Number(value) | 0;
    else if (flag === '--name') options.name = value;
    else throw new Error(`\`pack\`: unknown option ${flag}\n${usage}`);
  }
  if (positional.length !== 2) throw new Error(`\`pack\`: expected a folder and an output folder\n${usage}`);
  return { input: positional[0], out: positional[1], options };
}

if (isMainModule(import.meta.url)) {
  try {
    const { input, out, options } = parseArgs(process.argv.slice(2));
    const result = await pack(input, out, options);
    console.log(
      `pack: ${result.samples} images of ${result.classes.length} classes (${result.classes.join(', ')}) ` +
        `into ${result.shards} shard${result.shards === 1 ? '' : 's'} (${(result.bytes / 1e6).toFixed(1)} MB) and manifest.json in ${out}`,
    );
    if (result.skipped.length > 0) {
      console.log(`skipped ${result.skipped.length}:`);
      for (const s of result.skipped) console.log(`  ${s.path}: ${s.detail}`);
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
