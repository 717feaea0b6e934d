/**
 * The generated-dataset folder's life cycle, shared by the generators:
 * a `.version` stamp says which generator version (and parameters) wrote the
 * folder, so a second run is free. The stamp is written last, so a run that
 * dies halfway leaves a folder that the next run rebuilds.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const STAMP_FILE = '.version';

/** The repository root (scripts/datasets/../..). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** True when `out` was completely written by a generator whose stamp is `stamp`. */
export function isCurrent(out: string, stamp: string): boolean {
  const file = join(out, STAMP_FILE);
  return existsSync(file) && readFileSync(file, 'utf8').trim() === stamp;
}

/** Empties `out` (it may not exist yet) before a rebuild. */
export function resetDir(out: string): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
}

/** Marks `out` as complete; call after every other file is written. */
export function writeStamp(out: string, stamp: string): void {
  writeFileSync(join(out, STAMP_FILE), `${stamp}\n`);
}

/** A function that writes `bytes` to `out/rel`, creating each folder once. */
export function fileWriter(out: string): (rel: string, bytes: Uint8Array) => void {
  const made = new Set<string>();
  return (rel, bytes) => {
    const file = join(out, rel);
    const dir = dirname(file);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    writeFileSync(file, bytes);
  };
}

/** True when the module with this `import.meta.url` is the script Node was asked to run. */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(resolve(entry)).href === moduleUrl;
}
