/**
 * Writes the fixture dataset: small RGB PNGs with known pixels (see
 * tests/fixtures/pattern.ts) and their manifest, under
 * public/datasets/fixtures/. Tests check the loader's output against the
 * formula. Skips the work when the output is already there and current.
 *
 *   npx tsx scripts/make-fixtures.ts [--force]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';
import { FIXTURE, fixtureFile, fixtureLabel, fixtureRgb } from '../tests/fixtures/pattern.ts';

const VERSION = 1; // bump when the pattern or layout changes
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'datasets', FIXTURE.name);
const stamp = join(out, '.version');

function upToDate(): boolean {
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === String(VERSION);
}

function main(): void {
  if (!process.argv.includes('--force') && upToDate()) return;
  rmSync(out, { recursive: true, force: true });
  const total = FIXTURE.train + FIXTURE.test;
  const items = Array.from({ length: total }, (_, i) => ({ src: fixtureFile(i), label: fixtureLabel(i) }));
  for (const [i, item] of items.entries()) {
    const file = join(out, item.src);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, encode({ width: FIXTURE.width, height: FIXTURE.height, data: fixtureRgb(i), channels: 3, depth: 8 }));
  }
  const manifest = {
    name: FIXTURE.name,
    classes: FIXTURE.classes,
    width: FIXTURE.width,
    height: FIXTURE.height,
    channels: FIXTURE.channels,
    splits: { train: items.slice(0, FIXTURE.train), test: items.slice(FIXTURE.train) },
  };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  writeFileSync(stamp, `${VERSION}\n`);
  console.log(`fixtures: wrote ${total} PNGs and manifest.json to ${out}`);
}

main();
