/**
 * Writes the bad-images dataset: the broken corpus of the reliability tests
 * (tests/fixtures/broken.ts) reduced to what any static host serves as
 * files, under public/datasets/broken/, so the production build offers it
 * too. Good 12×10 PNGs with, between every two of them, one bad input: a
 * file that is not there (a 404 on any host), an HTML page saved as .png,
 * text saved as .jpg, an empty file, truncated PNG and JPEG, a TIFF, noise,
 * a PNG and a JPEG whose headers declare billions of pixels (decompression
 * bombs), and manifest items that are themselves invalid (a label out of
 * range, no "src", a repeated "src"). The kinds that need a live server (a
 * 500, a refused connection, CORS, a hang, a flaky file) stay in the dev
 * server's /__test__/broken/.
 *
 *   npx tsx scripts/make-broken.ts [--force]
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brokenFiles, brokenLayout, brokenManifest } from '../tests/fixtures/broken.ts';
import { checkManifest } from '../src/loader/sources/manifest.ts';
import { formatManifest } from './datasets/manifest-writer.ts';
import { fileWriter, isCurrent, isMainModule, repoRoot, resetDir, writeStamp } from './datasets/output-dir.ts';

const STAMP = '1'; // bump when the kinds or the files change

/** The kinds a static host reproduces: every file is written but `missing.png`, whose absence is the 404. */
export const STATIC_BROKEN_KINDS = [
  'http-404',
  'html',
  'text',
  'empty',
  'truncated-png',
  'truncated-jpeg',
  'tiff',
  'noise',
  'bomb-png',
  'bomb-jpeg',
  'label',
  'no-src',
  'duplicate',
] as const;

export const defaultBrokenDir = join(repoRoot, 'public', 'datasets', 'broken');

/** Writes the set into `out` unless it is current there (or `force`); returns the files written. */
export function makeBroken(out: string = defaultBrokenDir, { force = false } = {}): number {
  if (!force && isCurrent(out, STAMP)) return 0;
  resetDir(out);
  const manifest = brokenManifest(STATIC_BROKEN_KINDS, { other: '', key: '' });
  // Every item names a file next to the manifest (or none): write those that exist.
  const wanted = new Set(manifest.splits.train.map((item) => item.src).filter((src): src is string => typeof src === 'string'));
  const write = fileWriter(out);
  let written = 0;
  for (const [name, { bytes }] of brokenFiles()) {
    if (!wanted.has(name)) continue;
    write(name, bytes);
    written++;
  }
  // The invalid items are the point: the loader lists them as skipped ('manifest'), so only
  // problems with the manifest as a whole may stop the script.
  const { problems } = checkManifest(manifest, out);
  const expected = STATIC_BROKEN_KINDS.filter((k) => ['label', 'no-src', 'duplicate'].includes(k)).length;
  if (problems.length !== expected) throw new Error(`make-broken: expected ${expected} invalid items, the loader finds ${problems.length}`);
  writeFileSync(join(out, 'manifest.json'), formatManifest(manifest as Parameters<typeof formatManifest>[0]));
  writeStamp(out, STAMP);
  return written;
}

/** The layout of the written manifest: which index is good and which is which bad kind. */
export const staticBrokenLayout = () => brokenLayout(STATIC_BROKEN_KINDS);

if (isMainModule(import.meta.url)) {
  const written = makeBroken(defaultBrokenDir, { force: process.argv.includes('--force') });
  if (written) console.log(`broken: wrote ${written} files and manifest.json to ${relative(process.cwd(), defaultBrokenDir)}`);
}
