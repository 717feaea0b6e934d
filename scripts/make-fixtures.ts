/**
 * Writes the fixture dataset: small RGB PNGs with known pixels (see
 * tests/fixtures/pattern.ts) and their manifest, under
 * public/datasets/fixtures/. Tests check the loader's output against the
 * formula. Skips the work when the output is already there and current.
 *
 *   npx tsx scripts/make-fixtures.ts [--force]
 */
import { join, relative } from 'node:path';
import { encode } from 'fast-png';
import { FIXTURE, fixtureFile, fixtureLabel, fixtureRgb } from '../tests/fixtures/pattern.ts';
import { fileWriter, isCurrent, isMainModule, repoRoot, resetDir, writeStamp } from './datasets/output-dir.ts';
import { writeManifest } from './datasets/manifest-writer.ts';

const STAMP = '1'; // bump when the pattern or layout changes

export const defaultFixturesDir = join(repoRoot, 'public', 'datasets', FIXTURE.name);

/** Writes the fixtures into `out` unless they are current there (or `force`); returns the images written. */
export function makeFixtures(out: string = defaultFixturesDir, { force = false } = {}): number {
  if (!force && isCurrent(out, STAMP)) return 0;
  resetDir(out);
  const write = fileWriter(out);
  const total = FIXTURE.train + FIXTURE.test;
  const items = Array.from({ length: total }, (_, i) => ({ src: fixtureFile(i), label: fixtureLabel(i) }));
  for (const [i, item] of items.entries()) {
    write(item.src, encode({ width: FIXTURE.width, height: FIXTURE.height, data: fixtureRgb(i), channels: 3, depth: 8 }));
  }
  const { name, classes, width, height, channels } = FIXTURE;
  const splits = { train: items.slice(0, FIXTURE.train), test: items.slice(FIXTURE.train) };
  writeManifest(out, { name, classes, width, height, channels, splits });
  writeStamp(out, STAMP);
  return total;
}

if (isMainModule(import.meta.url)) {
  const written = makeFixtures(defaultFixturesDir, { force: process.argv.includes('--force') });
  if (written) console.log(`fixtures: wrote ${written} PNGs and manifest.json to ${relative(process.cwd(), defaultFixturesDir)}`);
}
