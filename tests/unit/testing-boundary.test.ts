/**
 * Fault injection stays out of what users ship: no file outside
 * src/loader/testing, workers/ and tests/ imports src/loader/testing. A plain
 * scan of import specifiers (static, dynamic, re-exports, `new URL(...)`
 * worker paths), each resolved against its file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TESTING = join(ROOT, 'src', 'loader', 'testing');
/** Where importing the testing code is allowed; and what is not source. */
const ALLOWED = ['src/loader/testing', 'workers', 'tests'];
const SKIPPED = new Set(['node_modules', 'dist', 'public', 'test-results', 'playwright-report']);
const SOURCE = new Set(['.ts', '.mts', '.js', '.mjs', '.svelte']);
const SPECIFIER = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]|new URL\(\s*['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || SKIPPED.has(entry.name) ? [] : sourceFiles(path);
    return SOURCE.has(extname(entry.name)) ? [path] : [];
  });
}

/** The specifiers of `file` that resolve into src/loader/testing. */
function testingImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? m[4])
    .filter((spec) => spec.startsWith('.') && (resolve(dirname(file), spec) + sep).startsWith(TESTING + sep));
}

const isAllowed = (file: string) => ALLOWED.some((dir) => (relative(ROOT, file).split(sep).join('/') + '/').startsWith(`${dir}/`));

describe('the testing boundary', () => {
  it('finds the imports it looks for: the test harnesses and the fault worker entry do import testing/', () => {
    const harness = join(ROOT, 'tests', 'unit', 'support', 'loader-harness.ts');
    expect(testingImports(harness)).toEqual(['../../../src/loader/testing/fault-environment.ts', '../../../src/loader/testing/faults.ts']);
    expect(testingImports(join(ROOT, 'workers', 'fault-loader.worker.ts'))).toEqual(['../src/loader/testing/fault-worker-api.ts']);
  });

  it('keeps src/loader/testing out of every file outside src/loader/testing, workers/ and tests/', () => {
    const files = sourceFiles(ROOT).filter((f) => !isAllowed(f));
    expect(files.map((f) => relative(ROOT, f))).toContain(join('src', 'loader', 'data-loader.ts')); // the scan reaches the library
    const offenders = files.flatMap((f) => testingImports(f).map((spec) => `${relative(ROOT, f)} imports ${spec}`));
    expect(offenders).toEqual([]);
  });
});
